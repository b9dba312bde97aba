using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using System.Xml;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Parses an XML body into JSON (prototype <c>xml</c>), by these rules: the root element is kept;
/// attributes become <c>@name</c>; an element's text becomes a plain string, or <c>#text</c> when it
/// also has attributes or children; repeated siblings become an array; values stay strings.
/// </summary>
/// <remarks>
/// <para>
/// With <see cref="XmlReadMethod.WholeFile"/> the document is read whole and then split. With
/// <see cref="XmlReadMethod.Incremental"/> the body is read as a stream and each element the pattern
/// to items lands on is emitted as soon as its end tag is read, so memory holds one item at a time.
/// In that mode the pattern addresses elements by name (wildcards allowed), not attributes or indexes.
/// </para>
/// <para>
/// DTDs are refused, so external entities and entity expansion cannot be used against the host.
/// Element names are kept as written, prefix included; namespace declarations are dropped.
/// </para>
/// </remarks>
public sealed class XmlParser : IStreamingParser
{
    /// <summary>The deepest element nesting a body may have.</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// The most attributes one element may have (the JDK's XML processors default to the same limit). The check counts
    /// <c>=</c> signs between two <c>&lt;</c>, so text with more of them and no markup in between is refused too.
    /// </summary>
    public const int MaxAttributes = 10_000;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        CloseInput = false,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
    };

    private readonly bool _stripPrefixes;
    private readonly HashSet<string> _alwaysArray;

    /// <summary>Initializes a new instance of the <see cref="XmlParser"/> class.</summary>
    /// <param name="readMethod">How the body is read.</param>
    public XmlParser(XmlReadMethod readMethod = XmlReadMethod.WholeFile)
        : this(new XmlParserOptions { ReadMethod = readMethod })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="XmlParser"/> class.</summary>
    /// <param name="options">The read method, namespace handling and always-array paths.</param>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public XmlParser(XmlParserOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!Enum.IsDefined(options.ReadMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.ReadMethod, "Unknown XML read method.");
        }

        if (!Enum.IsDefined(options.Namespaces))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Namespaces, "Unknown XML namespace handling.");
        }

        foreach (var path in options.AlwaysArray)
        {
            if (string.IsNullOrWhiteSpace(path) || path.Split('.').Any(string.IsNullOrWhiteSpace))
            {
                throw new ArgumentException($"The always-array path '{path}' must be element names separated by dots, such as 'orders.order'.", nameof(options));
            }
        }

        Options = options;
        _stripPrefixes = options.Namespaces == XmlNamespaceHandling.Strip;
        _alwaysArray = new HashSet<string>(options.AlwaysArray, StringComparer.Ordinal);
    }

    /// <summary>Gets the options.</summary>
    public XmlParserOptions Options { get; }

    /// <summary>Gets the body size up to which an incremental read parses from memory on the calling thread rather than on a worker thread (tests and measurements change it).</summary>
    internal int PumpThreshold { get; init; } = SyncReadPump.DefaultThreshold;

    /// <summary>Gets how the body is read.</summary>
    public XmlReadMethod ReadMethod => Options.ReadMethod;

    /// <inheritdoc />
    public bool StreamsItems => ReadMethod == XmlReadMethod.Incremental;

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);

        // The whole document is held anyway, so it is read into memory first and parsed synchronously,
        // which is several times faster than the reader's asynchronous path.
        var copy = new MemoryStream();
        await body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        copy.Position = 0;
        yield return Guard(() =>
        {
            using var reader = XmlReader.Create(new XmlAttributeGuard(copy), ReaderSettings);
            return ReadDocument(reader, cancellationToken);
        });
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ParsedItem> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (pattern is null)
        {
            return DocumentItems.ReadAsync(this, body, contentType, PatternItemSplitter.WholeDocument, cancellationToken);
        }

        return SyncReadPump.RunAsync(body, (stream, stop) => new Guarded(ReadItems(stream, pattern, stop)), cancellationToken, PumpThreshold);
    }

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (XmlException exception)
        {
            throw ParseError(exception);
        }
    }

    private static WebhookParseException ParseError(XmlException exception) =>
        new(
            $"The body is not valid XML: {exception.Message}",
            exception.LineNumber > 0 ? exception.LineNumber : null,
            exception.LinePosition > 0 ? exception.LinePosition : null,
            exception);

    private IEnumerator<ParsedItem> ReadItems(Stream stream, ItemPattern pattern, CancellationToken cancellationToken)
    {
        using var reader = XmlReader.Create(new XmlAttributeGuard(stream), ReaderSettings);
        foreach (var item in new ItemWalker(this, reader, pattern).Read(cancellationToken))
        {
            yield return item;
        }
    }

    private JsonNode ReadDocument(XmlReader reader, CancellationToken cancellationToken)
    {
        if (reader.MoveToContent() != XmlNodeType.Element)
        {
            throw new WebhookParseException("The body holds no XML root element.", 1, 1);
        }

        // One mapping for both read methods: the root is written by the same writer as incremental items.
        var name = NameOf(reader);
        var value = JsonNode.Parse(new XmlItemWriter(_stripPrefixes, _alwaysArray).Write(reader, name, CheckDepth), documentOptions: JsonEntity.DocumentOptions)!;
        cancellationToken.ThrowIfCancellationRequested();

        // The rest must be well-formed too: a second root or a stray tag is an error, not ignored.
        while (reader.Read())
        {
        }

        return new JsonObject { [name] = _alwaysArray.Contains(name) ? new JsonArray(value) : value };
    }

    private static void CheckDepth(XmlReader reader)
    {
        if (reader.Depth >= MaxDepth)
        {
            var lineInfo = (IXmlLineInfo)reader;
            throw new WebhookParseException($"The XML nests deeper than {MaxDepth} elements.", lineInfo.LineNumber, lineInfo.LinePosition);
        }
    }

    private string NameOf(XmlReader reader) => _stripPrefixes ? reader.LocalName : reader.Name;

    /// <summary>Items as they are read, with the reader's errors turned into parse errors that name the line and position.</summary>
    private sealed class Guarded(IEnumerator<ParsedItem> items) : IEnumerator<ParsedItem>
    {
        public ParsedItem Current => items.Current;

        object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext()
        {
            try
            {
                return items.MoveNext();
            }
            catch (XmlException exception)
            {
                throw ParseError(exception);
            }
        }

        public void Reset() => throw new NotSupportedException();

        public void Dispose() => items.Dispose();
    }

    /// <summary>Walks the document, entering only elements on the pattern's path, and reads each element it lands on.</summary>
    private sealed class ItemWalker(XmlParser parser, XmlReader reader, ItemPattern pattern)
    {
        private readonly List<string> _path = [];
        private readonly XmlItemWriter _writer = new(parser._stripPrefixes, parser._alwaysArray);

        public IEnumerable<ParsedItem> Read(CancellationToken cancellationToken)
        {
            if (reader.MoveToContent() != XmlNodeType.Element)
            {
                throw new WebhookParseException("The body holds no XML root element.", 1, 1);
            }

            var onNext = true;
            while (onNext || reader.Read())
            {
                onNext = false;
                if (reader.NodeType != XmlNodeType.Element)
                {
                    continue;
                }

                CheckDepth(reader);
                var depth = reader.Depth;
                var name = parser.NameOf(reader);
                if (depth < pattern.Length && pattern.MatchesKey(depth, name))
                {
                    _path.RemoveRange(depth, _path.Count - depth);
                    _path.Add(name);
                    if (depth + 1 == pattern.Length)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var path = parser._alwaysArray.Count > 0 ? string.Join('.', _path) : null;
                        var captures = pattern.CaptureCount == 0 ? [] : pattern.CapturesOf(_path);
                        yield return new ParsedItem(_writer.Write(reader, path, CheckDepth), captures);
                    }

                    continue;
                }

                if (!reader.IsEmptyElement)
                {
                    // Off the pattern's path: the whole subtree is passed over unread, its depth still
                    // checked, as the reader's own state grows with it.
                    SkipSubtree(depth);
                }
            }
        }

        /// <summary>Reads through the end tag of the element at <paramref name="depth"/> that the reader is on.</summary>
        private void SkipSubtree(int depth)
        {
            while (reader.Read() && reader.Depth > depth)
            {
                if (reader.Depth >= MaxDepth && reader.NodeType == XmlNodeType.Element)
                {
                    CheckDepth(reader);
                }
            }
        }
    }
}
