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
    /// Gets the absolute URL; <c>&amp;{path}</c> placeholders are filled from the entity and <c>$1</c>, <c>$2</c>, ... from
    /// the task's captures, all URL-escaped; <c>$$</c> is a plain <c>$</c>.
    /// </summary>
    public required string Url { get; init; }

    /// <summary>Gets the name of the HTTP client to use, so hosts can add handlers and resilience to it.</summary>
    /// <value>Defaults to <see cref="DefaultHttpClientName"/>.</value>
    public string HttpClientName { get; init; } = DefaultHttpClientName;

    /// <summary>Gets extra request headers; each value may hold <c>&amp;{path}</c> placeholders filled from the entity, and <c>$1</c>, <c>$2</c>, ... from the task's captures.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets how the entity is written as the body.</summary>
    /// <value>Defaults to <see cref="HttpBodyFormat.Json"/>.</value>
    public HttpBodyFormat Body { get; init; } = HttpBodyFormat.Json;

    /// <summary>Gets how a <see cref="HttpBodyFormat.Form"/> body escapes keys and values.</summary>
    /// <value>Defaults to <see cref="FormEncoding.Rfc1738"/>, as HTML forms do.</value>
    public FormEncoding FormEncoding { get; init; } = FormEncoding.Rfc1738;

    /// <summary>Gets the name of the root element of an <see cref="HttpBodyFormat.Xml"/> body.</summary>
    /// <value>Defaults to <c>entity</c>.</value>
    public string XmlRoot { get; init; } = "entity";

    /// <summary>Gets how requests authenticate, or <see langword="null"/> for none.</summary>
    public HttpAuthentication? Authentication { get; init; }

    /// <summary>Gets how requests are signed, or <see langword="null"/> for not at all.</summary>
    public HttpSigning? Signing { get; init; }

    /// <summary>Gets how long a delivery may take before it fails (and may be retried).</summary>
    /// <value>Defaults to 30 seconds; at most 10 minutes. Keep it below the processor's lease duration.</value>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
}
