namespace Alumio.Webhooks.Parsing;

/// <summary>A request body could not be parsed. Answered with <c>400 Bad Request</c>.</summary>
public sealed class WebhookParseException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="WebhookParseException"/> class.</summary>
    public WebhookParseException()
        : this("The body could not be parsed.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WebhookParseException"/> class.</summary>
    /// <param name="message">What is wrong with the body.</param>
    public WebhookParseException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WebhookParseException"/> class.</summary>
    /// <param name="message">What is wrong with the body.</param>
    /// <param name="innerException">The parser's own exception.</param>
    public WebhookParseException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="WebhookParseException"/> class.</summary>
    /// <param name="message">What is wrong with the body.</param>
    /// <param name="line">The 1-based line of the error, when known.</param>
    /// <param name="position">The 1-based position within the line, when known.</param>
    /// <param name="innerException">The parser's own exception.</param>
    public WebhookParseException(string message, long? line, long? position, Exception? innerException = null)
        : base(message, innerException)
    {
        Line = line;
        Position = position;
    }

    /// <summary>Gets the 1-based data row (CSV) or record where the body went wrong, when known.</summary>
    public long? Row { get; init; }

    /// <summary>Gets the 1-based line where the body went wrong, when known.</summary>
    public long? Line { get; }

    /// <summary>Gets the 1-based position within <see cref="Line"/>, when known.</summary>
    public long? Position { get; }
}
