namespace Alumio.Webhooks.Placeholders;

/// <summary>
/// A placeholder could not be filled from an entity: the value is missing, or it is not of a kind the place takes
/// (an object inside text). The message names the placeholder, and with it the path. A task that meets one fails
/// at once with the message: retrying would meet the same entity.
/// </summary>
public sealed class PlaceholderException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="PlaceholderException"/> class.</summary>
    public PlaceholderException()
        : base("A placeholder could not be filled from the entity.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PlaceholderException"/> class.</summary>
    /// <param name="message">What is wrong, naming the placeholder.</param>
    public PlaceholderException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PlaceholderException"/> class.</summary>
    /// <param name="message">What is wrong, naming the placeholder.</param>
    /// <param name="innerException">The cause.</param>
    public PlaceholderException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
