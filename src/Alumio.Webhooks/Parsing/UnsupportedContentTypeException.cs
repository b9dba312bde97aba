namespace Alumio.Webhooks.Parsing;

/// <summary>
/// A request's content type is missing or not one the parser reads. Answered with
/// <c>415 Unsupported Media Type</c>.
/// </summary>
public sealed class UnsupportedContentTypeException : Exception
{
    private const int MaxEchoedLength = 200;

    /// <summary>Initializes a new instance of the <see cref="UnsupportedContentTypeException"/> class.</summary>
    public UnsupportedContentTypeException()
        : this("The request's content type is not supported.")
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedContentTypeException"/> class.</summary>
    /// <param name="message">What is wrong with the content type.</param>
    public UnsupportedContentTypeException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedContentTypeException"/> class.</summary>
    /// <param name="message">What is wrong with the content type.</param>
    /// <param name="innerException">The exception that caused this one.</param>
    public UnsupportedContentTypeException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UnsupportedContentTypeException"/> class, with a message naming the content type and the accepted media types.</summary>
    /// <param name="contentType">The request's content type, or <see langword="null"/> when it has none.</param>
    /// <param name="acceptedMediaTypes">The media types that would have been accepted.</param>
    public UnsupportedContentTypeException(string? contentType, IReadOnlyList<string> acceptedMediaTypes)
        : base(Describe(contentType, acceptedMediaTypes))
    {
        ContentType = contentType;
        AcceptedMediaTypes = acceptedMediaTypes;
    }

    /// <summary>Gets the request's content type as sent, or <see langword="null"/> when it had none.</summary>
    public string? ContentType { get; }

    /// <summary>Gets the media types that would have been accepted; <c>*/*+json</c> stands for any type with that suffix.</summary>
    /// <value>Empty when not known.</value>
    public IReadOnlyList<string> AcceptedMediaTypes { get; } = [];

    private static string Describe(string? contentType, IReadOnlyList<string> acceptedMediaTypes)
    {
        ArgumentNullException.ThrowIfNull(acceptedMediaTypes);
        var received = string.IsNullOrWhiteSpace(contentType)
            ? "The request has no content type"
            : $"The content type '{(contentType.Length > MaxEchoedLength ? contentType[..MaxEchoedLength] + "..." : contentType)}' is not supported";
        return $"{received}; send one of: {string.Join(", ", acceptedMediaTypes)}.";
    }
}
