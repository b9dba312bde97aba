using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Parses a UTF-8 YAML stream (prototype <c>yaml</c>): each YAML document (documents are separated by
/// <c>---</c>) is one JSON document, yielded as soon as it has been read.
/// </summary>
/// <remarks>
/// <para>
/// Mappings become objects, sequences arrays, and scalars always strings, whatever they look like
/// (<c>42</c>, <c>true</c>, <c>~</c> and <c>null</c> stay <c>"42"</c>, <c>"true"</c>, <c>"~"</c>,
/// <c>"null"</c>; an empty value is <c>""</c>), as with XML: YAML 1.1 and 1.2 disagree on what is a
/// number or a boolean (<c>no</c>, <c>0755</c>), so the entity keeps what the sender wrote and
/// transformers decide. Tags are ignored; <c>&lt;&lt;</c> merge keys are ordinary keys. A document that
/// is empty (a stray <c>---</c>) is skipped; an empty body holds no documents.
/// </para>
/// <para>
/// Anchors and aliases are expanded, with the nodes that aliases add to a document capped at
/// <see cref="MaxNodes"/>, so an alias bomb ("billion laughs") is refused rather than expanded; the
/// nodes the body spells out are bounded by the webhook's body size only. An alias to a node that contains it is refused. Nesting deeper than
/// <see cref="MaxDepth"/> is refused, as are keys that are mappings or sequences, and a key given twice
/// in one mapping. Errors carry the 1-based line and column. The body is read in chunks; one document
/// at a time is held in memory.
/// </para>
/// </remarks>
public sealed class YamlParser : IParser
{
    /// <summary>The deepest nesting of mappings and sequences a document may have.</summary>
    public const int MaxDepth = 64;

    /// <summary>The most nodes (scalars, mappings, sequences) that aliases may add to one document when they are expanded.</summary>
    public const int MaxNodes = 100_000;

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var text = new BodyTextReader(body, Encoding.UTF8);
        var splitter = new DocumentSplitter(text);
        while (await splitter.NextAsync(cancellationToken).ConfigureAwait(false) is { } chunk)
        {
            foreach (var document in ParseChunk(chunk.Text, chunk.FirstLine))
            {
                yield return document;
            }
        }
    }

    /// <summary>Parses the text of one document (or a few, should the split have missed a marker).</summary>
    private static List<JsonNode> ParseChunk(string chunk, long firstLine)
    {
        var documents = new List<JsonNode>();
        var parser = new Parser(new StringReader(chunk));
        try
        {
            while (parser.MoveNext())
            {
                if (parser.Current is DocumentStart)
                {
                    var builder = new DocumentBuilder(firstLine - 1);
                    if (builder.Read(parser) is { } document)
                    {
                        documents.Add(document);
                    }
                }
            }
        }
        catch (YamlException exception)
        {
            var line = exception.Start.Line + firstLine - 1;
            throw new WebhookParseException(
                $"The body is not valid YAML at line {line}, column {exception.Start.Column}: {Describe(exception)}", line, exception.Start.Column, exception);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet fails on some malformed input without a YamlException; name the last place it reached.
            var mark = parser.Current?.End;
            var line = mark is null ? (long?)null : mark.Value.Line + firstLine - 1;
            var where = line is null ? string.Empty : $" after line {line}, column {mark!.Value.Column}";
            throw new WebhookParseException($"The body is not valid YAML{where}.", line, mark?.Column, exception);
        }

        return documents;
    }

    private static string Describe(YamlException exception)
    {
        // YamlDotNet's message starts with its own "(Line: x, Col: y, Idx: z) - (Line: ...): " prefix, relative to the document.
        var message = exception.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return cut >= 0 && message.StartsWith("(Line:", StringComparison.Ordinal) ? message[(cut + 3)..] : message;
    }

    /// <summary>Builds one document from the parser's events.</summary>
    private sealed class DocumentBuilder(long lineOffset)
    {
        private readonly Dictionary<string, Anchored> _anchors = new(StringComparer.Ordinal);
        private readonly HashSet<string> _open = new(StringComparer.Ordinal);
        private readonly Stack<Frame> _stack = new();
        private long _nodes;
        private long _expanded;

        /// <summary>Reads up to the document's end; returns the document, or null when it is empty.</summary>
        public JsonNode? Read(Parser parser)
        {
            JsonNode? root = null;
            var emptyRoot = false;
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentEnd:
                        return emptyRoot ? null : root;

                    case Scalar scalar:
                        var value = JsonValue.Create(scalar.Value);
                        Count(1, scalar);
                        Remember(scalar.Anchor, value, 1, 0);
                        if (_stack.Count == 0)
                        {
                            emptyRoot = scalar.Value.Length == 0 && scalar.Style == ScalarStyle.Plain && scalar.Anchor.IsEmpty && scalar.Tag.IsEmpty;
                            root = value;
                        }
                        else
                        {
                            Add(value, scalar, scalar.Value);
                        }

                        break;

                    case AnchorAlias alias:
                        var node = Expand(alias);
                        if (_stack.Count == 0)
                        {
                            root = node;
                        }
                        else
                        {
                            Add(node, alias, node is JsonValue key ? key.GetValue<string>() : null);
                        }

                        break;

                    case MappingStart mapping:
                        Open(new JsonObject(), mapping, mapping.Anchor);
                        break;

                    case SequenceStart sequence:
                        Open(new JsonArray(), sequence, sequence.Anchor);
                        break;

                    case MappingEnd or SequenceEnd:
                        var frame = _stack.Pop();
                        if (frame.Anchor is { } anchor)
                        {
                            _open.Remove(anchor);
                            _anchors[anchor] = new Anchored(frame.Node, _nodes - frame.NodesBefore, frame.Height);
                        }

                        if (_stack.TryPeek(out var parent))
                        {
                            parent.Height = Math.Max(parent.Height, frame.Height + 1);
                            Add(frame.Node, null, null, frame.Start);
                        }
                        else
                        {
                            root = frame.Node;
                        }

                        break;
                }
            }

            return emptyRoot ? null : root;
        }

        private void Open(JsonNode node, NodeEvent start, AnchorName anchor)
        {
            if (_stack.TryPeek(out var parent) && parent.Node is JsonObject && parent.Key is null)
            {
                throw Error(start.Start, "A mapping key must be a scalar, not a mapping or a sequence.");
            }

            if (_stack.Count >= MaxDepth)
            {
                throw Error(start.Start, $"The YAML nests deeper than {MaxDepth} levels.");
            }

            Count(1, start);
            var name = anchor.IsEmpty ? null : anchor.Value;
            if (name is not null)
            {
                _open.Add(name);
            }

            _stack.Push(new Frame(node, name, _nodes - 1, start.Start));
        }

        private JsonNode Expand(AnchorAlias alias)
        {
            var name = alias.Value.Value;
            if (_open.Contains(name))
            {
                throw Error(alias.Start, $"The alias *{name} refers to a node that contains it.");
            }

            if (!_anchors.TryGetValue(name, out var anchored))
            {
                throw Error(alias.Start, $"The alias *{name} refers to no anchor before it.");
            }

            if (_stack.Count + anchored.Height > MaxDepth)
            {
                throw Error(alias.Start, $"The YAML nests deeper than {MaxDepth} levels once the alias *{name} is expanded.");
            }

            Count(anchored.Nodes, alias, expanded: true);
            if (_stack.TryPeek(out var parent))
            {
                parent.Height = Math.Max(parent.Height, anchored.Height + 1);
            }

            return anchored.Node.DeepClone();
        }

        private void Remember(AnchorName anchor, JsonNode node, long nodes, int height)
        {
            if (!anchor.IsEmpty)
            {
                _anchors[anchor.Value] = new Anchored(node, nodes, height);
            }
        }

        /// <summary>
        /// Counts nodes. Only the nodes that aliases add are capped: what the body spells out is already
        /// bounded by the webhook's body size, while an alias can multiply it (an alias bomb).
        /// </summary>
        private void Count(long nodes, ParsingEvent at, bool expanded = false)
        {
            _nodes += nodes;
            if (expanded)
            {
                _expanded += nodes;
                if (_expanded > MaxNodes)
                {
                    throw Error(at.Start, $"The YAML document's aliases expand to more than {MaxNodes} nodes.");
                }
            }
        }

        /// <summary>Adds a completed node to the open mapping (as key or value) or sequence.</summary>
        private void Add(JsonNode node, ParsingEvent? at, string? keyText, Mark? start = null)
        {
            var frame = _stack.Peek();
            var mark = at?.Start ?? start ?? Mark.Empty;
            if (frame.Node is JsonArray array)
            {
                array.Add(Detached(node));
                return;
            }

            var obj = (JsonObject)frame.Node;
            if (frame.Key is null)
            {
                if (keyText is null)
                {
                    throw Error(mark, "A mapping key must be a scalar, not a mapping or a sequence.");
                }

                if (obj.ContainsKey(keyText))
                {
                    throw Error(mark, $"The mapping has the key '{keyText}' twice.");
                }

                frame.Key = keyText;
                return;
            }

            obj[frame.Key] = Detached(node);
            frame.Key = null;
        }

        /// <summary>A remembered anchor's node is already the value of its first place; later places get a copy.</summary>
        private JsonNode Detached(JsonNode node) => node.Parent is null ? node : node.DeepClone();

        private WebhookParseException Error(Mark mark, string message)
        {
            var line = mark.Line + lineOffset;
            return new WebhookParseException($"{message} (line {line}, column {mark.Column})", line, mark.Column);
        }

        private sealed class Frame(JsonNode node, string? anchor, long nodesBefore, Mark start)
        {
            public JsonNode Node { get; } = node;

            public string? Anchor { get; } = anchor;

            public long NodesBefore { get; } = nodesBefore;

            public Mark Start { get; } = start;

            public string? Key { get; set; }

            public int Height { get; set; } = 1;
        }

        private readonly record struct Anchored(JsonNode Node, long Nodes, int Height);
    }

    /// <summary>
    /// Reads the body line by line and cuts it into the text of single documents: before each line that
    /// starts with <c>---</c> and after each that starts with <c>...</c> (YAML's document markers, which
    /// may appear at the start of a line nowhere else).
    /// </summary>
    private sealed class DocumentSplitter(TextReader reader)
    {
        private readonly char[] _buffer = new char[8192];
        private readonly StringBuilder _document = new();
        private readonly StringBuilder _line = new();
        private int _start;
        private int _end;
        private bool _endOfText;
        private bool _pendingLineFeed;
        private bool _inDocument;
        private long _lineNumber = 1;
        private long _documentFirstLine = 1;

        public async ValueTask<(string Text, long FirstLine)?> NextAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                if (_start == _end)
                {
                    if (_endOfText)
                    {
                        return _document.Length > 0 || _line.Length > 0 ? Flush(includeLine: true) : null;
                    }

                    _start = 0;
                    _end = await reader.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                    _endOfText = _end == 0;
                    continue;
                }

                if (_pendingLineFeed)
                {
                    _pendingLineFeed = false;
                    if (_buffer[_start] == '\n')
                    {
                        _start++;
                        if (_document.Length > 0)
                        {
                            _document.Append('\n');
                        }

                        continue;
                    }
                }

                var span = _buffer.AsSpan(_start, _end - _start);
                var breakAt = span.IndexOfAny('\r', '\n');
                if (breakAt < 0)
                {
                    _line.Append(span);
                    _start = _end;
                    continue;
                }

                _line.Append(span[..(breakAt + 1)]);
                _start += breakAt + 1;
                if (span[breakAt] == '\r')
                {
                    if (_start < _end)
                    {
                        if (_buffer[_start] == '\n')
                        {
                            _line.Append('\n');
                            _start++;
                        }
                    }
                    else
                    {
                        _pendingLineFeed = true;
                    }
                }

                if (EndLine() is { } document)
                {
                    return document;
                }
            }
        }

        /// <summary>Files the complete line; returns a document when the line ends or begins one.</summary>
        private (string Text, long FirstLine)? EndLine()
        {
            (string Text, long FirstLine)? result = null;
            if (IsMarker(_line, '-'))
            {
                // Directives and comments before a '---' belong to its document; content before it is a document of its own.
                if (_inDocument)
                {
                    result = Flush(includeLine: false);
                    _documentFirstLine = _lineNumber;
                }

                _inDocument = true;
            }
            else if (!_inDocument && !IsPrologue(_line))
            {
                _inDocument = true;
            }

            var endsDocument = IsMarker(_line, '.');
            _document.Append(_line);
            _line.Clear();
            _lineNumber++;
            if (endsDocument)
            {
                result = Flush(includeLine: false);
                _documentFirstLine = _lineNumber;
                _inDocument = false;
            }

            return result;
        }

        /// <summary>Whether a line outside a document is a directive, a comment or blank.</summary>
        private static bool IsPrologue(StringBuilder line)
        {
            for (var i = 0; i < line.Length; i++)
            {
                switch (line[i])
                {
                    case ' ' or '\t' or '\r' or '\n':
                        continue;
                    case '#':
                        return true;
                    case '%':
                        return i == 0;
                    default:
                        return false;
                }
            }

            return true;
        }

        private (string Text, long FirstLine) Flush(bool includeLine)
        {
            if (includeLine)
            {
                _document.Append(_line);
                _line.Clear();
            }

            var document = (_document.ToString(), _documentFirstLine);
            _document.Clear();
            return document;
        }

        private static bool IsMarker(StringBuilder line, char c) =>
            line.Length >= 3 && line[0] == c && line[1] == c && line[2] == c
            && (line.Length == 3 || line[3] is ' ' or '\t' or '\r' or '\n');
    }
}
