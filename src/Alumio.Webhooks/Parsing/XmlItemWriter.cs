using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Xml;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Turns the element an <see cref="XmlReader"/> is on into UTF-8 JSON by the <c>xml</c> parser's rules,
/// without building a JSON tree: the element's nodes are recorded in reused flat arrays, then written
/// once, straight into a reused byte buffer. One instance serves one body, item after item.
/// </summary>
/// <remarks>
/// The JSON is written by hand rather than with <see cref="Utf8JsonWriter"/> because this is the hot
/// path of incremental XML: names are encoded once per body and kept with their quotes and colon,
/// and a value is transcoded to UTF-8 in one step and escaped only when it holds a quote, a
/// backslash or a control character. Anything else, non-ASCII text included, is valid JSON as it is.
/// </remarks>
internal sealed class XmlItemWriter
{
    private const int ScanLimit = 16;

    private readonly bool _localNames;
    private readonly HashSet<string> _alwaysArray;
    private readonly Dictionary<string, byte[]> _attributeNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, byte[]> _elementNames = new(ReferenceEqualityComparer.Instance);
    private Node[] _nodes = new Node[64];
    private (string Name, string Value)[] _attributes = new (string, string)[64];
    private int[] _open = new int[16];
    private byte[] _output = new byte[4096];
    private int _length;
    private XmlNameTable? _xmlnsTable;
    private string? _xmlns;
    private int _nodeCount;
    private int _attributeCount;

    /// <summary>Initializes a new instance of the <see cref="XmlItemWriter"/> class.</summary>
    /// <param name="localNames">Whether names lose their namespace prefix.</param>
    /// <param name="alwaysArray">Element paths that are always arrays.</param>
    public XmlItemWriter(bool localNames, HashSet<string> alwaysArray)
    {
        _localNames = localNames;
        _alwaysArray = alwaysArray;
    }

    /// <summary>Reads the element the reader is on, through its end tag, and returns its JSON value.</summary>
    /// <param name="reader">The reader, on a start tag.</param>
    /// <param name="path">The element's path of names, when always-array paths are set.</param>
    /// <param name="checkDepth">Refuses too deep nesting.</param>
    public byte[] Write(XmlReader reader, string? path, Action<XmlReader> checkDepth)
    {
        _nodeCount = 0;
        _attributeCount = 0;
        var top = Open(reader, -1, path);
        if (!reader.IsEmptyElement)
        {
            var open = 0;
            _open[open++] = top;
            var paths = _alwaysArray.Count > 0;
            while (open > 0 && reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (reader.Depth >= XmlParser.MaxDepth)
                        {
                            checkDepth(reader);
                        }

                        var parent = _open[open - 1];
                        var child = Open(reader, parent, paths ? _nodes[parent].Path + "." + NameOf(reader) : null);
                        if (!reader.IsEmptyElement)
                        {
                            if (open == _open.Length)
                            {
                                Array.Resize(ref _open, open * 2);
                            }

                            _open[open++] = child;
                        }

                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.SignificantWhitespace:
                        ref var node = ref _nodes[_open[open - 1]];

                        if (node.Text is null)
                        {
                            node.Text = reader.Value;
                        }
                        else
                        {
                            // Mixed content: the element's text goes on after a child's. It is rare, and joined
                            // in a builder so that many pieces do not cost quadratic time.
                            (node.Mixed ??= new StringBuilder(node.Text)).Append(reader.Value);
                        }

                        break;
                    case XmlNodeType.EndElement:
                        open--;
                        break;
                }
            }

            if (open > 0)
            {
                throw new WebhookParseException("The body is not valid XML: it ends before the document does.");
            }
        }

        _length = 0;
        WriteValue(top);
        return _output.AsSpan(0, _length).ToArray();
    }

    private string NameOf(XmlReader reader) => _localNames ? reader.LocalName : reader.Name;

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

    private int Open(XmlReader reader, int parent, string? path)
    {
        if (_nodeCount == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        var index = _nodeCount++;
        var firstAttribute = _attributeCount;
        if (reader.HasAttributes)
        {
            ReadAttributes(reader, firstAttribute);
        }

        ref var node = ref _nodes[index];
        node.Name = NameOf(reader);
        node.Path = path;
        node.Text = null;
        node.Mixed = null;
        node.FirstAttribute = firstAttribute;
        node.AttributeCount = _attributeCount - firstAttribute;
        node.FirstChild = -1;
        node.LastChild = -1;
        node.Next = -1;
        node.NextSame = -1;
        node.ChildCount = 0;
        node.Written = false;

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

    private void ReadAttributes(XmlReader reader, int firstAttribute)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }

        do
        {
            if (IsNamespaceDeclaration(reader))
            {
                continue;
            }

            if (_attributeCount == _attributes.Length)
            {
                Array.Resize(ref _attributes, _attributes.Length * 2);
            }

            // With prefixes stripped, p:id and q:id are both "id": the last one wins, as in WholeFile.
            var name = NameOf(reader);
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
        while (reader.MoveToNextAttribute());

        reader.MoveToElement();
    }

    private void WriteValue(int index)
    {
        ref var node = ref _nodes[index];
        var text = node.Mixed is { } mixed ? mixed.ToString() : node.Text;
        if (node.AttributeCount == 0 && node.FirstChild < 0)
        {
            WriteString(text);
            return;
        }

        WriteByte((byte)'{');
        var first = true;
        for (var a = node.FirstAttribute; a < node.FirstAttribute + node.AttributeCount; a++)
        {
            WriteName(AttributeName(_attributes[a].Name), ref first);
            WriteString(_attributes[a].Value);
        }

        if (node.ChildCount > 1)
        {
            LinkSameNames(node.FirstChild, node.ChildCount);
        }

        for (var c = node.FirstChild; c >= 0; c = _nodes[c].Next)
        {
            ref var child = ref _nodes[c];
            if (child.Written)
            {
                continue;
            }

            WriteName(ElementName(child.Name), ref first);
            if (child.NextSame >= 0 || (child.Path is { } path && _alwaysArray.Contains(path)))
            {
                // Repeated siblings are written together, at the first one's place, in document order.
                WriteByte((byte)'[');
                for (var d = c; d >= 0; d = _nodes[d].NextSame)
                {
                    if (d != c)
                    {
                        WriteByte((byte)',');
                    }

                    _nodes[d].Written = true;
                    WriteValue(d);
                }

                WriteByte((byte)']');
            }
            else
            {
                WriteValue(c);
            }
        }

        if (text is not null && !text.AsSpan().IsWhiteSpace())
        {
            WriteName("\"#text\":"u8, ref first);
            WriteString(text);
        }

        WriteByte((byte)'}');
    }

    /// <summary>Links each child to the next sibling of the same name, in linear time however many children there are.</summary>
    private void LinkSameNames(int firstChild, int childCount)
    {
        if (childCount <= ScanLimit)
        {
            for (var c = firstChild; c >= 0; c = _nodes[c].Next)
            {
                var name = _nodes[c].Name;
                for (var d = _nodes[c].Next; d >= 0; d = _nodes[d].Next)
                {
                    if (ReferenceEquals(_nodes[d].Name, name))
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

    private byte[] AttributeName(string name)
    {
        if (!_attributeNames.TryGetValue(name, out var encoded))
        {
            encoded = EncodeName("@" + name);
            _attributeNames[name] = encoded;
        }

        return encoded;
    }

    private byte[] ElementName(string name)
    {
        if (!_elementNames.TryGetValue(name, out var encoded))
        {
            encoded = EncodeName(name);
            _elementNames[name] = encoded;
        }

        return encoded;
    }

    /// <summary>A property name as JSON, with its quotes and colon.</summary>
    private static byte[] EncodeName(string name)
    {
        var encoded = JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes;
        var bytes = new byte[encoded.Length + 3];
        bytes[0] = (byte)'"';
        encoded.CopyTo(bytes.AsSpan(1));
        bytes[^2] = (byte)'"';
        bytes[^1] = (byte)':';
        return bytes;
    }

    private void WriteName(ReadOnlySpan<byte> name, ref bool first)
    {
        Ensure(name.Length + 1);
        if (!first)
        {
            _output[_length++] = (byte)',';
        }

        first = false;
        name.CopyTo(_output.AsSpan(_length));
        _length += name.Length;
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _output[_length++] = value;
    }

    /// <summary>Writes a JSON string: transcoded in one step, then escaped only where it must be.</summary>
    private void WriteString(string? value)
    {
        var chars = value.AsSpan();

        // At most three UTF-8 bytes per UTF-16 char, and the two quotes.
        Ensure((chars.Length * 3) + 2);
        _output[_length++] = (byte)'"';
        Utf8.FromUtf16(chars, _output.AsSpan(_length), out _, out var written);
        var escapeAt = _output.AsSpan(_length, written).IndexOfAny(MustEscape);
        if (escapeAt < 0)
        {
            _length += written;
        }
        else
        {
            Escape(escapeAt, written);
        }

        _output[_length++] = (byte)'"';
    }

    /// <summary>Escapes the <paramref name="written"/> bytes at the end of the output, from the first one that needs it.</summary>
    private void Escape(int from, int written)
    {
        // The plain bytes are kept; the rest moves to a rented buffer and comes back escaped (six bytes at most each).
        var rest = written - from;
        var copy = ArrayPool<byte>.Shared.Rent(rest);
        try
        {
            _output.AsSpan(_length + from, rest).CopyTo(copy);
            _length += from;
            Ensure((rest * 6) + 1);
            foreach (var b in copy.AsSpan(0, rest))
            {
                switch (b)
                {
                    case (byte)'"':
                        _output[_length++] = (byte)'\\';
                        _output[_length++] = (byte)'"';
                        break;
                    case (byte)'\\':
                        _output[_length++] = (byte)'\\';
                        _output[_length++] = (byte)'\\';
                        break;
                    case (byte)'\n':
                        _output[_length++] = (byte)'\\';
                        _output[_length++] = (byte)'n';
                        break;
                    case (byte)'\r':
                        _output[_length++] = (byte)'\\';
                        _output[_length++] = (byte)'r';
                        break;
                    case (byte)'\t':
                        _output[_length++] = (byte)'\\';
                        _output[_length++] = (byte)'t';
                        break;
                    case < 0x20:
                        "\\u00"u8.CopyTo(_output.AsSpan(_length));
                        _output[_length + 4] = HexDigits[b >> 4];
                        _output[_length + 5] = HexDigits[b & 0xF];
                        _length += 6;
                        break;
                    default:
                        _output[_length++] = b;
                        break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private void Ensure(int more)
    {
        if (_length + more > _output.Length)
        {
            Array.Resize(ref _output, Math.Max(_output.Length * 2, _length + more));
        }
    }

    private static ReadOnlySpan<byte> HexDigits => "0123456789ABCDEF"u8;

    /// <summary>The bytes a JSON string cannot hold as they are. UTF-8 bytes of non-ASCII characters are all 0x80 or above.</summary>
    private static readonly SearchValues<byte> MustEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>One element of the item being read.</summary>
    private struct Node
    {
        public string Name;
        public string? Path;
        public string? Text;
        public StringBuilder? Mixed;
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
