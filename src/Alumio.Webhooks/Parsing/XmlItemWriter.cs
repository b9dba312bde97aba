using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Xml;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Turns the element an <see cref="XmlReader"/> is on into UTF-8 JSON by the <c>xml</c> parser's rules,
/// without building a JSON tree: the element's nodes are recorded in reused flat arrays, then written
/// once with <see cref="Utf8JsonWriter"/>. One instance serves one body, item after item.
/// </summary>
internal sealed class XmlItemWriter
{
    private const int ScanLimit = 16;

    private readonly Func<XmlReader, string> _nameOf;
    private readonly HashSet<string> _alwaysArray;
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;
    private readonly Dictionary<string, JsonEncodedText> _attributeNames = [];
    private readonly Dictionary<string, JsonEncodedText> _elementNames = [];
    private readonly Stack<int> _open = new();
    private Node[] _nodes = new Node[64];
    private (string Name, string Value)[] _attributes = new (string, string)[64];
    private char[] _chars = new char[4096];
    private int _charCount;
    private XmlNameTable? _xmlnsTable;
    private string? _xmlns;
    private int _nodeCount;
    private int _attributeCount;

    public XmlItemWriter(Func<XmlReader, string> nameOf, HashSet<string> alwaysArray)
    {
        _nameOf = nameOf;
        _alwaysArray = alwaysArray;
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { MaxDepth = 256, SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }

    /// <summary>Reads the element the reader is on, through its end tag, and returns its JSON value.</summary>
    /// <param name="reader">The reader, on a start tag.</param>
    /// <param name="path">The element's path of names, when always-array paths are set.</param>
    /// <param name="checkDepth">Refuses too deep nesting.</param>
    public byte[] Write(XmlReader reader, string? path, Action<XmlReader> checkDepth)
    {
        _nodeCount = 0;
        _attributeCount = 0;
        _charCount = 0;
        _open.Clear();
        var top = Open(reader, -1, path);
        if (!reader.IsEmptyElement)
        {
            _open.Push(top);
            while (_open.Count > 0 && reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (reader.Depth >= XmlParser.MaxDepth)
                        {
                            checkDepth(reader);
                        }

                        var parent = _open.Peek();
                        var child = Open(reader, parent, _alwaysArray.Count > 0 ? _nodes[parent].Path + "." + _nameOf(reader) : null);
                        if (!reader.IsEmptyElement)
                        {
                            _open.Push(child);
                        }

                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.SignificantWhitespace:
                        AppendText(reader, _open.Peek());
                        break;
                    case XmlNodeType.EndElement:
                        _open.Pop();
                        break;
                }
            }

            if (_open.Count > 0)
            {
                throw new WebhookParseException("The body is not valid XML: it ends before the document does.");
            }
        }

        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        WriteValue(top);
        _writer.Flush();
        return _buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a text node into the reused character arena, without a string per node.</summary>
    private void AppendText(XmlReader reader, int index)
    {
        ref var node = ref _nodes[index];
        if (node.Mixed is { } mixed)
        {
            mixed.Append(reader.Value);
            return;
        }

        if (node.TextLength > 0 && node.TextStart + node.TextLength != _charCount)
        {
            // Mixed content: the element's text is interrupted by a child's. It goes on in a builder of
            // its own, so the arena never holds it twice.
            node.Mixed = new System.Text.StringBuilder().Append(_chars, node.TextStart, node.TextLength).Append(reader.Value);
            return;
        }

        if (node.TextLength == 0)
        {
            node.TextStart = _charCount;
        }

        if (!reader.CanReadValueChunk)
        {
            var value = reader.Value;
            EnsureChars(value.Length);
            value.CopyTo(_chars.AsSpan(_charCount));
            _charCount += value.Length;
            node.TextLength += value.Length;
            return;
        }

        // Straight into the arena, without a string per text node.
        int read;
        do
        {
            EnsureChars(256);
            read = reader.ReadValueChunk(_chars, _charCount, _chars.Length - _charCount);
            _charCount += read;
            node.TextLength += read;
        }
        while (read > 0);
    }

    private bool IsNamespaceDeclaration(XmlReader reader)
    {
        // Names come atomized from the reader's name table, so a reference comparison suffices.
        if (!ReferenceEquals(_xmlnsTable, reader.NameTable))
        {
            _xmlnsTable = reader.NameTable;
            _xmlns = reader.NameTable.Add("xmlns");
        }

        return ReferenceEquals(reader.Prefix, _xmlns) || ReferenceEquals(reader.LocalName, _xmlns) && reader.Prefix.Length == 0;
    }

    private void EnsureChars(int more)
    {
        if (_charCount + more > _chars.Length)
        {
            Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + more));
        }
    }

    private int Open(XmlReader reader, int parent, string? path)
    {
        if (_nodeCount == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        var index = _nodeCount++;
        var firstAttribute = _attributeCount;
        if (reader.HasAttributes && reader.MoveToFirstAttribute())
        {
            do
            {
                if (!IsNamespaceDeclaration(reader))
                {
                    if (_attributeCount == _attributes.Length)
                    {
                        Array.Resize(ref _attributes, _attributes.Length * 2);
                    }

                    // With prefixes stripped, p:id and q:id are both "id": the last one wins, as in WholeFile.
                    var name = _nameOf(reader);
                    var same = firstAttribute;
                    while (same < _attributeCount && !ReferenceEquals(_attributes[same].Name, name))
                    {
                        same++;
                    }

                    if (same < _attributeCount)
                    {
                        _attributes[same].Value = reader.Value;
                        continue;
                    }

                    _attributes[_attributeCount++] = (name, reader.Value);
                }
            }
            while (reader.MoveToNextAttribute());

            reader.MoveToElement();
        }

        _nodes[index] = new Node
        {
            Name = _nameOf(reader),
            Path = path,
            FirstAttribute = firstAttribute,
            AttributeCount = _attributeCount - firstAttribute,
            FirstChild = -1,
            LastChild = -1,
            Next = -1,
            NextSame = -1,
        };

        if (parent >= 0)
        {
            ref var p = ref _nodes[parent];
            if (p.LastChild < 0)
            {
                p.FirstChild = index;
            }
            else
            {
                _nodes[p.LastChild].Next = index;
            }

            p.LastChild = index;
            p.ChildCount++;
        }

        return index;
    }

    private void WriteValue(int index)
    {
        ref readonly var node = ref _nodes[index];
        var text = node.Mixed is { } mixed ? mixed.ToString().AsSpan() : _chars.AsSpan(node.TextStart, node.TextLength);
        if (node.AttributeCount == 0 && node.FirstChild < 0)
        {
            _writer.WriteStringValue(text);
            return;
        }

        _writer.WriteStartObject();
        for (var a = node.FirstAttribute; a < node.FirstAttribute + node.AttributeCount; a++)
        {
            _writer.WriteString(AttributeName(_attributes[a].Name), _attributes[a].Value);
        }

        LinkSameNames(node.FirstChild, node.ChildCount);
        for (var c = node.FirstChild; c >= 0; c = _nodes[c].Next)
        {
            if (_nodes[c].Written)
            {
                continue;
            }

            var name = _nodes[c].Name;
            _writer.WritePropertyName(ElementName(name));
            if (_nodes[c].NextSame >= 0 || (_nodes[c].Path is { } path && _alwaysArray.Contains(path)))
            {
                // Repeated siblings are written together, at the first one's place, in document order.
                _writer.WriteStartArray();
                for (var d = c; d >= 0; d = _nodes[d].NextSame)
                {
                    _nodes[d].Written = true;
                    WriteValue(d);
                }

                _writer.WriteEndArray();
            }
            else
            {
                WriteValue(c);
            }
        }

        if (text.Length > 0 && !text.IsWhiteSpace())
        {
            _writer.WriteString("#text"u8, text);
        }

        _writer.WriteEndObject();
    }

    /// <summary>Links each child to the next sibling of the same name, in linear time however many children there are.</summary>
    private void LinkSameNames(int firstChild, int childCount)
    {
        if (childCount <= ScanLimit)
        {
            for (var c = firstChild; c >= 0; c = _nodes[c].Next)
            {
                for (var d = _nodes[c].Next; d >= 0; d = _nodes[d].Next)
                {
                    if (ReferenceEquals(_nodes[d].Name, _nodes[c].Name))
                    {
                        _nodes[c].NextSame = d;
                        break;
                    }
                }
            }

            return;
        }

        var last = new Dictionary<string, int>(ReferenceEqualityComparer.Instance);
        for (var c = firstChild; c >= 0; c = _nodes[c].Next)
        {
            if (last.TryGetValue(_nodes[c].Name, out var previous))
            {
                _nodes[previous].NextSame = c;
            }

            last[_nodes[c].Name] = c;
        }
    }

    private JsonEncodedText AttributeName(string name)
    {
        if (!_attributeNames.TryGetValue(name, out var encoded))
        {
            encoded = JsonEncodedText.Encode("@" + name);
            _attributeNames[name] = encoded;
        }

        return encoded;
    }

    private JsonEncodedText ElementName(string name)
    {
        if (!_elementNames.TryGetValue(name, out var encoded))
        {
            encoded = JsonEncodedText.Encode(name);
            _elementNames[name] = encoded;
        }

        return encoded;
    }

    /// <summary>One element of the item being read.</summary>
    private struct Node
    {
        public string Name;
        public string? Path;
        public int TextStart;
        public int TextLength;
        public System.Text.StringBuilder? Mixed;
        public int FirstAttribute;
        public int AttributeCount;
        public int FirstChild;
        public int LastChild;
        public int Next;
        public int NextSame;
        public int ChildCount;
        public bool Written;
    }
}
