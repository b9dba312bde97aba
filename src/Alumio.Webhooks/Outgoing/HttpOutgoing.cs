using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Outgoing;

/// <summary>
/// Delivers the entity to an HTTP endpoint (prototype <c>http</c>) as a JSON, XML or form body (none for GET and
/// DELETE), with templated headers, authentication, request signing and a timeout. A 2xx answer is success; any other answer or a transport error fails the delivery with the status and an excerpt
/// of the response. A 4xx other than 408 and 429 fails for good (a retry would get the same answer);
/// everything else may be retried, after the answer's <c>Retry-After</c> when it has one.
/// </summary>
public sealed class HttpOutgoing : IOutgoing
{
    /// <summary>The most characters of a response body kept in a task's error.</summary>
    public const int MaxErrorExcerpt = 256;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly PlaceholderTemplate _url;
    private readonly (string Name, PlaceholderTemplate Value)[] _headers;
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="HttpOutgoing"/> class.</summary>
    /// <param name="options">The method, URL template and client name.</param>
    /// <param name="httpClientFactory">Creates the HTTP clients.</param>
    /// <param name="timeProvider">The clock that turns a <c>Retry-After</c> date into a wait when the answer has no <c>Date</c>; the system clock when <see langword="null"/>.</param>
    /// <param name="configuration">Where <c>${NAME}</c> in the URL and headers is read, once; environment variables when <see langword="null"/>.</param>
    /// <exception cref="FormatException">The URL template is invalid.</exception>
    public HttpOutgoing(HttpOutgoingOptions options, IHttpClientFactory httpClientFactory, TimeProvider? timeProvider = null, IConfiguration? configuration = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClientFactory);
        _url = PlaceholderTemplate.Parse(options.Url, ConfigurationValues.Resolver(configuration), PlaceholderTemplate.TaskCaptures);
        if (!Uri.TryCreate(_url.HasPlaceholders ? options.Url.Replace("&{", "x", StringComparison.Ordinal) : options.Url, UriKind.Absolute, out var probe)
            || (probe.Scheme != Uri.UriSchemeHttp && probe.Scheme != Uri.UriSchemeHttps))
        {
            throw new FormatException($"The URL '{Redact(options.Url)}' is not an absolute http or https URL.");
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > TimeSpan.FromMinutes(10))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "The timeout must be positive and at most 10 minutes.");
        }

        if (options.Body == HttpBodyFormat.Xml && !IsXmlName(options.XmlRoot))
        {
            throw new FormatException($"The XML root '{options.XmlRoot}' is not an XML element name.");
        }

        _headers = [.. options.Headers.Select(header => (header.Key, PlaceholderTemplate.Parse(header.Value, ConfigurationValues.Resolver(configuration), PlaceholderTemplate.TaskCaptures)))];
        Options = options;
        _httpClientFactory = httpClientFactory;
    }

    /// <summary>Gets the settings.</summary>
    public HttpOutgoingOptions Options { get; }

    /// <inheritdoc />
    public async ValueTask<OutgoingResult> SendAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        string url;
        try
        {
            url = _url.Render(entity, context.Task.Captures, Uri.EscapeDataString);
        }
        catch (PlaceholderException exception)
        {
            return OutgoingResult.PermanentFailure($"URL: {exception.Message}");
        }

        using var request = new HttpRequestMessage(Options.Method, url);
        foreach (var (name, value) in _headers)
        {
            string text;
            try
            {
                text = value.Render(entity, context.Task.Captures, null);
            }
            catch (PlaceholderException exception)
            {
                return OutgoingResult.PermanentFailure($"Header {name}: {exception.Message}");
            }

            if (!request.Headers.TryAddWithoutValidation(name, text))
            {
                return OutgoingResult.PermanentFailure($"Header {name} cannot be set on a request.");
            }
        }

        // Credentials and signatures last, so a templated header cannot replace them.
        Options.Authentication?.Apply(request);
        byte[] body = [];
        if (Options.Method != HttpMethod.Get && Options.Method != HttpMethod.Delete)
        {
            (body, var contentType) = HttpBodyWriter.Write(entity, Options);
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = contentType } };
        }

        Options.Signing?.Apply(request, body, context.Task.Id, _timeProvider.GetUtcNow());

        var client = _httpClientFactory.CreateClient(Options.HttpClientName);
        using var timeout = new CancellationTokenSource(Options.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                return OutgoingResult.Success(status);
            }

            var excerpt = await ReadExcerptAsync(response, linked.Token).ConfigureAwait(false);
            var error = $"{Options.Method} {Redact(url)} answered {status} {response.ReasonPhrase}{(excerpt.Length > 0 ? ": " + excerpt : string.Empty)}";
            return status is >= 400 and < 500 and not 408 and not 429
                ? OutgoingResult.PermanentFailure(error, status)
                : OutgoingResult.TransientFailure(error, status, RetryAfter(response));
        }
        catch (HttpRequestException exception)
        {
            return OutgoingResult.TransientFailure($"{Options.Method} {Redact(url)} failed: {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return OutgoingResult.TransientFailure($"{Options.Method} {Redact(url)} timed out after {Options.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s.");
        }
    }

    private static bool IsXmlName(string name)
    {
        try
        {
            return XmlConvert.VerifyName(name) == name;
        }
        catch (XmlException)
        {
            return false;
        }
    }

    /// <summary>The wait a <c>Retry-After</c> asks for: seconds, or a date measured against the answer's own <c>Date</c>.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var now = response.Headers.Date ?? _timeProvider.GetUtcNow();
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    private static async Task<string> ReadExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorExcerpt * 4];
            var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            var text = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return text.Length > MaxErrorExcerpt ? text[..MaxErrorExcerpt] + "…" : text;
        }
    }

    /// <summary>
    /// Keeps scheme, host and port only: user info, query strings and paths may all carry credentials
    /// (hook URLs of chat services put their secret in the path). The outgoing's name says which it was.
    /// </summary>
    private static string Redact(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0)
        {
            return "(an invalid URL)";
        }

        var authority = new UriBuilder(uri.Scheme, uri.Host, uri.Port).Uri.GetLeftPart(UriPartial.Authority);
        return uri.PathAndQuery.Length > 1 ? authority + "/…" : authority;
    }
}
