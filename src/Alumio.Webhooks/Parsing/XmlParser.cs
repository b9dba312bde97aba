using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Xml;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Parses an XML body into one JSON document (prototype <c>xml</c>), by these rules: the root element
/// is kept; attributes become <c>@name</c>; an element's text becomes a plain string, or <c>#text</c>
/// when it also has attributes or children; repeated siblings become an array; values stay strings.
/// </summary>
/// <remarks>
/// DTDs are refused, so external entities and entity expansion cannot be used against the host.
/// Element names are kept as written, prefix included; namespace declarations are dropped.
/// </remarks>
public sealed class XmlParser : IParser
{
    /// <summary>The deepest element nesting a body may have.</summary>
    public const int MaxDepth = 64;

    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        Async = true,
        CloseInput = false,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = false,
    };

    /// <summary>Initializes a new instance of the <see cref="XmlParser"/> class.</summary>
    /// <param name="readMethod">How the body is read.</param>
    public XmlParser(XmlReadMethod readMethod = XmlReadMethod.WholeFile)
    {
        if (!Enum.IsDefined(readMethod))
        {
            throw new ArgumentOutOfRangeException(nameof(readMethod), readMethod, "Unknown XML read method.");
        }

        ReadMethod = readMethod;
    }

    /// <summary>Gets how the body is read.</summary>
    public XmlReadMethod ReadMethod { get; }

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        JsonNode document;
        using (var reader = XmlReader.Create(body, ReaderSettings))
        {
            try
            {
                document = await ReadDocumentAsync(reader, cancellationToken).ConfigureAwait(false);
            }
            catch (XmlException exception)
            {
                throw new WebhookParseException(
                    $"The body is not valid XML: {exception.Message}",
                    exception.LineNumber > 0 ? exception.LineNumber : null,
                    exception.LinePosition > 0 ? exception.LinePosition : null,
                    exception);
            }
        }

        yield return document;
    }

    private static async Task<JsonNode> ReadDocumentAsync(XmlReader reader, CancellationToken cancellationToken)
    {
        var lineInfo = (IXmlLineInfo)reader;
        var stack = new Stack<ElementFrame>();
        JsonObject? root = null;

        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (reader.NodeType)
            {
                case XmlNodeType.Element:
                    if (stack.Count >= MaxDepth)
                    {
                        throw new WebhookParseException(
                            $"The XML nests deeper than {MaxDepth} elements.", lineInfo.LineNumber, lineInfo.LinePosition);
                    }

                    var frame = new ElementFrame(reader.Name);
                    ReadAttributes(reader, frame);
                    if (reader.IsEmptyElement)
                    {
                        root = Complete(frame, stack, root);
                    }
                    else
                    {
                        stack.Push(frame);
                    }

                    break;

                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    if (stack.TryPeek(out var current))
                    {
                        (current.Text ??= new StringBuilder()).Append(await reader.GetValueAsync().ConfigureAwait(false));
                    }

                    break;

                case XmlNodeType.EndElement:
                    root = Complete(stack.Pop(), stack, root);
                    break;
            }
        }

        return root ?? throw new WebhookParseException("The body holds no XML root element.", 1, 1);
    }

    private static void ReadAttributes(XmlReader reader, ElementFrame frame)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }

        do
        {
            if (reader.Name == "xmlns" || reader.Prefix == "xmlns")
            {
                continue;
            }

            frame.Object ??= [];
            frame.Object["@" + reader.Name] = reader.Value;
        }
        while (reader.MoveToNextAttribute());

        reader.MoveToElement();
    }

    private static JsonObject? Complete(ElementFrame frame, Stack<ElementFrame> stack, JsonObject? root)
    {
        JsonNode value;
        if (frame.Object is null)
        {
            value = JsonValue.Create(frame.Text?.ToString() ?? string.Empty);
        }
        else
        {
            if (frame.Text is { Length: > 0 } text && !IsWhitespace(text))
            {
                frame.Object["#text"] = text.ToString();
            }

            value = frame.Object;
        }

        if (!stack.TryPeek(out var parent))
        {
            return new JsonObject { [frame.Name] = value };
        }

        var siblings = parent.Object ??= [];
        if (!siblings.TryGetPropertyValue(frame.Name, out var existing))
        {
            siblings[frame.Name] = value;
        }
        else if (existing is JsonArray array)
        {
            array.Add(value);
        }
        else
        {
            // Clearing the slot first detaches the earlier sibling and keeps the key in its place.
            siblings[frame.Name] = null;
            siblings[frame.Name] = new JsonArray(existing, value);
        }

        return root;
    }

    private static bool IsWhitespace(StringBuilder text)
    {
        foreach (var chunk in text.GetChunks())
        {
            if (!chunk.Span.IsWhiteSpace())
            {
                return false;
            }
        }

        return true;
    }

    private sealed class ElementFrame(string name)
    {
        public string Name { get; } = name;

        public JsonObject? Object { get; set; }

        public StringBuilder? Text { get; set; }
    }
}
