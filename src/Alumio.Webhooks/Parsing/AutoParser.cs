using System.Text.Json.Nodes;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Picks a parser for each request by its content type (prototype <c>auto</c>), for webhooks whose
/// senders post more than one format.
/// </summary>
/// <remarks>
/// <para>
/// Only the media type counts, in any case; parameters such as <c>charset</c> are ignored.
/// <c>application/json</c>, <c>text/json</c> and any type with a <c>+json</c> suffix are read as JSON;
/// <c>application/x-ndjson</c>, <c>application/jsonl</c> and <c>application/x-jsonlines</c> as
/// newline-delimited JSON (<c>application/json-seq</c> is not); <c>application/xml</c>,
/// <c>text/xml</c> and any type with a <c>+xml</c> suffix as XML, by the
/// <see cref="AutoParserOptions.ReadMethod"/>; <c>text/csv</c> and <c>application/csv</c> as CSV, with
/// the <see cref="AutoParserOptions.Csv"/> settings; <c>application/yaml</c>,
/// <c>application/x-yaml</c>, <c>text/yaml</c> and <c>text/x-yaml</c> as YAML;
/// <c>application/x-www-form-urlencoded</c> as a form; <c>application/octet-stream</c> as binary.
/// </para>
/// <para>
/// A request without a content type, or with any other, is refused with an
/// <see cref="UnsupportedContentTypeException"/> before its body is read.
/// </para>
/// </remarks>
public sealed class AutoParser : IStreamingParser
{
    private static readonly Dictionary<string, Format> Formats = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/json"] = Format.Json,
        ["text/json"] = Format.Json,
        ["application/x-ndjson"] = Format.Ndjson,
        ["application/jsonl"] = Format.Ndjson,
        ["application/x-jsonlines"] = Format.Ndjson,
        ["application/xml"] = Format.Xml,
        ["text/xml"] = Format.Xml,
        ["text/csv"] = Format.Csv,
        ["application/csv"] = Format.Csv,
        ["application/yaml"] = Format.Yaml,
        ["application/x-yaml"] = Format.Yaml,
        ["text/yaml"] = Format.Yaml,
        ["text/x-yaml"] = Format.Yaml,
        ["application/x-www-form-urlencoded"] = Format.Form,
        ["application/octet-stream"] = Format.Binary,
    };

    private readonly JsonParser _json = new();
    private readonly NdjsonParser _ndjson = new();
    private readonly XmlParser _xml;
    private readonly CsvParser _csv;
    private readonly YamlParser _yaml = new();
    private readonly FormParser _form = new();
    private readonly BinaryParser _binary = new();

    /// <summary>Initializes a new instance of the <see cref="AutoParser"/> class.</summary>
    /// <param name="options">The settings; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public AutoParser(AutoParserOptions? options = null)
    {
        options ??= new AutoParserOptions();
        ArgumentNullException.ThrowIfNull(options.Csv, nameof(options));
        Options = options;
        _xml = new XmlParser(options.ReadMethod);
        _csv = new CsvParser(options.Csv);
    }

    /// <summary>
    /// Gets the media types this parser reads, in the order of the remarks above; <c>*/*+json</c> and
    /// <c>*/*+xml</c> stand for any type with that suffix.
    /// </summary>
    public static IReadOnlyList<string> AcceptedMediaTypes { get; } =
    [
        "application/json", "text/json", "*/*+json",
        "application/x-ndjson", "application/jsonl", "application/x-jsonlines",
        "application/xml", "text/xml", "*/*+xml",
        "text/csv", "application/csv",
        "application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
    ];

    /// <summary>Gets the settings.</summary>
    public AutoParserOptions Options { get; }

    /// <inheritdoc />
    /// <remarks>
    /// Always: with a pattern to items, JSON bodies and XML bodies read <see cref="XmlReadMethod.Incremental"/>
    /// stream item by item; other formats are parsed document by document and split.
    /// </remarks>
    public bool StreamsItems => true;

    /// <inheritdoc />
    /// <exception cref="UnsupportedContentTypeException">The content type is missing or not supported; thrown at the call, before the body is read.</exception>
    public IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return Choose(contentType).ParseAsync(body, contentType, cancellationToken);
    }

    /// <inheritdoc />
    /// <exception cref="UnsupportedContentTypeException">The content type is missing or not supported; thrown at the call, before the body is read.</exception>
    public IAsyncEnumerable<ParsedItem> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var parser = Choose(contentType);
        return parser is IStreamingParser { StreamsItems: true } streaming
            ? streaming.ReadItemsAsync(body, contentType, pattern, cancellationToken)
            : DocumentItems.ReadAsync(parser, body, contentType, new PatternItemSplitter(pattern), cancellationToken);
    }

    /// <summary>Picks the parser for a content type.</summary>
    /// <param name="contentType">The request's content type, parameters and all.</param>
    /// <returns>The parser.</returns>
    /// <exception cref="UnsupportedContentTypeException">The content type is missing or not supported.</exception>
    internal IParser Choose(string? contentType) => FormatOf(contentType) switch
    {
        Format.Json => _json,
        Format.Ndjson => _ndjson,
        Format.Xml => _xml,
        Format.Csv => _csv,
        Format.Yaml => _yaml,
        Format.Form => _form,
        Format.Binary => _binary,
        _ => throw new UnsupportedContentTypeException(contentType, AcceptedMediaTypes),
    };

    private static Format? FormatOf(string? contentType)
    {
        if (contentType is null)
        {
            return null;
        }

        var mediaType = contentType.AsSpan();
        var semicolon = mediaType.IndexOf(';');
        if (semicolon >= 0)
        {
            mediaType = mediaType[..semicolon];
        }

        mediaType = mediaType.Trim();
        if (Formats.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(mediaType, out var format))
        {
            return format;
        }

        var slash = mediaType.IndexOf('/');
        if (slash <= 0 || mediaType[(slash + 1)..].IndexOfAny('/', ' ', '\t') >= 0 || mediaType[..slash].IndexOfAny(' ', '\t') >= 0)
        {
            return null;
        }

        var subtype = mediaType[(slash + 1)..];
        if (HasSuffix(subtype, "+json"))
        {
            return Format.Json;
        }

        return HasSuffix(subtype, "+xml") ? Format.Xml : null;
    }

    private static bool HasSuffix(ReadOnlySpan<char> subtype, string suffix) =>
        subtype.Length > suffix.Length && subtype.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);

    private enum Format
    {
        Json,
        Ndjson,
        Xml,
        Csv,
        Yaml,
        Form,
        Binary,
    }
}
