namespace Alumio.Webhooks.Outgoing;

/// <summary>Settings of the <c>http</c> outgoing.</summary>
public sealed record HttpOutgoingOptions
{
    /// <summary>The name of the <see cref="System.Net.Http.IHttpClientFactory"/> client used unless another is set.</summary>
    public const string DefaultHttpClientName = "Alumio.Webhooks.Outgoing";

    /// <summary>Gets the HTTP method.</summary>
    /// <value>Defaults to <c>POST</c>.</value>
    public HttpMethod Method { get; init; } = HttpMethod.Post;

    /// <summary>
    /// Gets the absolute URL; <c>&amp;{path}</c> placeholders are filled from the entity and URL-escaped.
    /// </summary>
    public required string Url { get; init; }

    /// <summary>Gets the name of the HTTP client to use, so hosts can add handlers and resilience to it.</summary>
    /// <value>Defaults to <see cref="DefaultHttpClientName"/>.</value>
    public string HttpClientName { get; init; } = DefaultHttpClientName;
}
