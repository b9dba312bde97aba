namespace Alumio.Webhooks.Transformation;

/// <summary>
/// An entity transformer cannot do its work on this entity: a value has the wrong type, a placeholder is missing, a
/// place cannot be set. The task fails at once, without retries (the same entity would fail the same way), with a
/// message that names the route, the transformer's position and prototype, and <see cref="Path"/>.
/// </summary>
/// <remarks>Throw it from transformers of your own for errors in the data; other exceptions are treated as transient and retried.</remarks>
public sealed class TransformerException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="TransformerException"/> class.</summary>
    public TransformerException()
        : base("The transformer cannot transform the entity.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TransformerException"/> class.</summary>
    /// <param name="message">What is wrong with the entity.</param>
    public TransformerException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TransformerException"/> class.</summary>
    /// <param name="message">What is wrong with the entity.</param>
    /// <param name="innerException">The cause.</param>
    public TransformerException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="TransformerException"/> class.</summary>
    /// <param name="message">What is wrong with the entity.</param>
    /// <param name="path">Where in the entity, as a pattern path such as <c>lines.0.quantity</c>.</param>
    /// <param name="innerException">The cause.</param>
    public TransformerException(string message, string? path, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>Gets where in the entity the problem is, as a pattern path; <see langword="null"/> when it concerns the entity as a whole.</summary>
    public string? Path { get; }

    /// <summary>Gets the nested transformers the error came from, such as <c>Then 0 (value-mapper)</c>, for the message.</summary>
    internal string? Trail { get; init; }
}
