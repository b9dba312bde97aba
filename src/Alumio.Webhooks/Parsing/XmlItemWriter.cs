using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using System.Xml;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Turns the element an <see cref="XmlReader"/> is on into UTF-8 JSON by the <c>xml</c> parser's rules,
/// writing as it reads, straight into one reused byte buffer. One instance serves one body, item after item.
/// </summary>
/// <remarks>
/// <para>
/// Two rules need to know what comes later, and both are settled without a tree. An element's text is
/// written where its value goes, as a plain string; when a child element turns up after all, the text
/// moves aside and comes back as <c>#text</c> at the end of the object. Children are written as they
/// come, each one's place remembered; only when a name repeats (or a path must always be an array) are
/// the object's children rewritten once, grouped into arrays at the first one's place.
/// </para>
/// <para>
/// The JSON is written by hand rather than with <see cref="Utf8JsonWriter"/> because this is the hot
/// path of incremental XML: names are encoded once per body and kept with their quotes and colon, and
/// a value is transcoded to UTF-8 in one step and escaped only when it holds a quote, a backslash or a
/// control character. Anything else, non-ASCII text included, is valid JSON as it is.
/// </para>
/// </remarks>
internal sealed class XmlItemWriter
{
    private const int ScanLimit = 16;

    /// <summary>Buffers up to this size are kept from item to item; larger ones, grown by one large item, are let go.</summary>
    private const int KeepBytes = 1024 * 1024;

    private const int SlotLevels = 16;

    private const int SlotsPerLevel = 16;

    private const int AttributeSlotsPerLevel = 4;

    private readonly bool _localNames;
    private readonly HashSet<string> _alwaysArray;
    private readonly Dictionary<string, int> _elementIds = new(ReferenceEqualityComparer.Instance);
    private readonly List<byte[]> _elementNames = [];
    private readonly Dictionary<string, byte[]> _attributeNames = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, int> _attributeIndex = new(ReferenceEqualityComparer.Instance);
    private readonly (string? Name, int Id)[] _nameSlots = new (string?, int)[SlotLevels * SlotsPerLevel];
    private readonly (string? Name, byte[]? Encoded)[] _attributeSlots = new (string?, byte[]?)[SlotLevels * AttributeSlotsPerLevel];
    private Level[] _levels = new Level[16];
    private Member[] _members = new Member[64];
    private (string Name, string Value)[] _attributes = new (string, string)[8];
    private byte[] _output = new byte[4096];
    private byte[] _aside = new byte[256];
    private byte[] _scratch = [];
    private int _memberCount;
    private int _length;
    private int _asideLength;
    private XmlNameTable? _xmlnsTable;
    private string? _xmlns;

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
        Shrink();
        _length = 0;
        _asideLength = 0;
        _memberCount = 0;
        Start(0, -1, reader, path);
        if (reader.IsEmptyElement)
        {
            End(0);
        }
        else
        {
            var paths = _alwaysArray.Count > 0;
            var open = 1;
            while (open > 0 && reader.Read())
            {
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element:
                        if (reader.Depth >= XmlParser.MaxDepth)
                        {
                            checkDepth(reader);
                        }

                        var name = NameOf(reader);
                        var childPath = paths ? _levels[open - 1].Path + "." + name : null;
                        var member = AddMember(open - 1, ElementId(name, open - 1), childPath is not null && _alwaysArray.Contains(childPath));
                        Start(open, member, reader, childPath);
                        if (reader.IsEmptyElement)
                        {
                            End(open);
                        }
                        else
                        {
                            open++;
                        }

                        break;
                    case XmlNodeType.Text:
                    case XmlNodeType.CDATA:
                    case XmlNodeType.SignificantWhitespace:
                        AddText(open - 1, reader.Value);
                        break;
                    case XmlNodeType.EndElement:
                        End(--open);
                        break;
                }
            }

            if (open > 0)
            {
                throw new WebhookParseException("The body is not valid XML: it ends before the document does.");
            }
        }

        return _output.AsSpan(0, _length).ToArray();
    }

    private string NameOf(XmlReader reader) => _localNames ? reader.LocalName : reader.Name;

    /// <summary>Begins the element at <paramref name="depth"/> (relative to the item): its state, and its attributes if it has any.</summary>
    private void Start(int depth, int member, XmlReader reader, string? path)
    {
        if (depth == _levels.Length)
        {
            Array.Resize(ref _levels, depth * 2);
        }

        ref var level = ref _levels[depth];
        level.Path = path;
        level.Member = member;
        level.FirstMember = _memberCount;
        level.IsObject = false;
        level.HasMembers = false;
        level.HasAttributes = false;
        level.Regroup = false;
        level.InlineText = -1;
        level.AsideStart = -1;
        level.TextIsWhite = true;
        if (reader.HasAttributes)
        {
            WriteAttributes(ref level, depth, reader);
        }
    }

    private void WriteAttributes(ref Level level, int depth, XmlReader reader)
    {
        if (!reader.MoveToFirstAttribute())
        {
            return;
        }

        if (_localNames)
        {
            WriteStrippedAttributes(ref level, depth, reader);
            return;
        }

        var ordinal = 0;

        // With prefixes kept, the reader has already refused a repeated name: each is written as it comes.
        do
        {
            if (IsNamespaceDeclaration(reader))
            {
                continue;
            }

            if (level.IsObject)
            {
                WriteByte((byte)',');
            }
            else
            {
                OpenWithAttributes(ref level);
            }

            WriteRaw(AttributeName(reader.Name, depth, ordinal++));
            WriteString(reader.Value);
        }
        while (reader.MoveToNextAttribute());

        reader.MoveToElement();
    }

    /// <summary>Where an attribute of the element being read has the stripped name already, or -1: a scan of the first few, then an index.</summary>
    private int FindStrippedAttribute(string name, int count)
    {
        for (var a = 0; a < Math.Min(count, ScanLimit); a++)
        {
            if (ReferenceEquals(_attributes[a].Name, name))
            {
                return a;
            }
        }

        // Attributes past the first ScanLimit are indexed as they are added.
        return count > ScanLimit && _attributeIndex.TryGetValue(name, out var index) ? index : -1;
    }

    /// <summary>With prefixes stripped, p:id and q:id are both "id": the last one wins, at the first one's place, as in WholeFile.</summary>
    private void WriteStrippedAttributes(ref Level level, int depth, XmlReader reader)
    {
        var count = 0;
        do
        {
            if (IsNamespaceDeclaration(reader))
            {
                continue;
            }

            var name = reader.LocalName;
            var same = FindStrippedAttribute(name, count);
            if (same >= 0)
            {
                _attributes[same].Value = reader.Value;
                continue;
            }

            if (count == _attributes.Length)
            {
                Array.Resize(ref _attributes, count * 2);
            }

            if (count >= ScanLimit)
            {
                _attributeIndex[name] = count;
            }

            _attributes[count++] = (name, reader.Value);
        }
        while (reader.MoveToNextAttribute());

        reader.MoveToElement();
        _attributeIndex.Clear();
        if (count == 0)
        {
            return;
        }

        OpenWithAttributes(ref level);
        for (var a = 0; a < count; a++)
        {
            if (a > 0)
            {
                WriteByte((byte)',');
            }

            WriteRaw(AttributeName(_attributes[a].Name, depth, a));
            WriteString(_attributes[a].Value);
            _attributes[a] = default;
        }
    }

    /// <summary>Makes the element an object that starts with its attributes.</summary>
    private void OpenWithAttributes(ref Level level)
    {
        WriteByte((byte)'{');
        level.IsObject = true;
        level.HasAttributes = true;
        level.HasMembers = true;
    }

    /// <summary>Begins a child of the element at <paramref name="depth"/>, which from here on is an object, and returns its member index.</summary>
    private int AddMember(int depth, int nameId, bool alwaysArray)
    {
        ref var level = ref _levels[depth];
        if (!level.IsObject)
        {
            if (level.InlineText >= 0)
            {
                // The text written as the element's value moves aside (without its quotes) for #text.
                var text = _output.AsSpan(level.InlineText + 1, _length - level.InlineText - 2);
                level.AsideStart = _asideLength;
                EnsureAside(text.Length);
                text.CopyTo(_aside.AsSpan(_asideLength));
                _asideLength += text.Length;
                _length = level.InlineText;
                level.InlineText = -1;
            }

            WriteByte((byte)'{');
            level.IsObject = true;
        }

        if (_memberCount == _members.Length)
        {
            Array.Resize(ref _members, _memberCount * 2);
        }

        var index = _memberCount++;
        ref var member = ref _members[index];
        member.NameId = nameId;
        member.PrefixStart = _length;
        member.AlwaysArray = alwaysArray;
        member.NextSame = -1;
        member.Written = false;
        level.Regroup |= alwaysArray;
        var name = _elementNames[nameId];
        Ensure(name.Length + 1);
        if (level.HasMembers)
        {
            _output[_length++] = (byte)',';
        }

        level.HasMembers = true;
        name.CopyTo(_output, _length);
        _length += name.Length;
        member.ValueStart = _length;
        return index;
    }

    private void AddText(int depth, string value)
    {
        ref var level = ref _levels[depth];
        level.TextIsWhite = level.TextIsWhite && value.AsSpan().IsWhiteSpace();
        if (level.IsObject)
        {
            // Text beside attributes or children waits aside for #text; pieces of mixed content join up there.
            if (level.AsideStart < 0)
            {
                level.AsideStart = _asideLength;
            }

            WriteEscaped(ref _aside, ref _asideLength, value);
            return;
        }

        if (level.InlineText < 0)
        {
            level.InlineText = _length;
            WriteString(value);
            return;
        }

        // A second piece (text after CDATA, say) goes inside the same quotes.
        _length--;
        WriteEscaped(ref _output, ref _length, value);
        WriteByte((byte)'"');
    }

    private void End(int depth)
    {
        ref var level = ref _levels[depth];
        if (level.IsObject)
        {
            var children = _memberCount - level.FirstMember;
            if (children > 1)
            {
                level.Regroup |= LinkSameNames(level.FirstMember, _memberCount);
            }

            if (level.Regroup)
            {
                Regroup(level.FirstMember, level.HasAttributes);
            }

            if (level.AsideStart >= 0)
            {
                if (!level.TextIsWhite)
                {
                    WriteRaw(level.HasMembers ? ",\"#text\":\""u8 : "\"#text\":\""u8);
                    WriteRaw(_aside.AsSpan(level.AsideStart, _asideLength - level.AsideStart));
                    WriteByte((byte)'"');
                }

                _asideLength = level.AsideStart;
            }

            WriteByte((byte)'}');
        }
        else if (level.InlineText < 0)
        {
            WriteRaw("\"\""u8);
        }

        _memberCount = level.FirstMember;
        if (level.Member >= 0)
        {
            _members[level.Member].ValueEnd = _length;
        }
    }

    /// <summary>Links each child to the next sibling of the same name, in linear time however many there are; true when a name repeats.</summary>
    private bool LinkSameNames(int first, int end)
    {
        var repeats = false;
        if (end - first <= ScanLimit)
        {
            for (var c = first; c < end; c++)
            {
                var nameId = _members[c].NameId;
                for (var d = c + 1; d < end; d++)
                {
                    if (_members[d].NameId == nameId)
                    {
                        _members[c].NextSame = d;
                        repeats = true;
                        break;
                    }
                }
            }

            return repeats;
        }

        var last = new Dictionary<int, int>();
        for (var c = first; c < end; c++)
        {
            if (last.TryGetValue(_members[c].NameId, out var previous))
            {
                _members[previous].NextSame = c;
                repeats = true;
            }

            last[_members[c].NameId] = c;
        }

        return repeats;
    }

    /// <summary>
    /// Rewrites the children of the object being ended, repeated names (and always-array paths) as arrays at
    /// the first one's place, in document order. Each child's value is already written; only bytes move.
    /// </summary>
    private void Regroup(int first, bool hasAttributes)
    {
        var regionStart = _members[first].PrefixStart;
        var regionLength = _length - regionStart;
        EnsureScratch(regionLength);
        var copy = _scratch;
        _output.AsSpan(regionStart, regionLength).CopyTo(copy);
        _length = regionStart;
        var comma = hasAttributes;
        for (var c = first; c < _memberCount; c++)
        {
            ref var member = ref _members[c];
            if (member.Written)
            {
                continue;
            }

            if (comma)
            {
                WriteByte((byte)',');
            }

            comma = true;
            WriteRaw(_elementNames[member.NameId]);
            if (member.NextSame < 0 && !member.AlwaysArray)
            {
                WriteRaw(copy.AsSpan(member.ValueStart - regionStart, member.ValueEnd - member.ValueStart));
                continue;
            }

            WriteByte((byte)'[');
            for (var d = c; d >= 0; d = _members[d].NextSame)
            {
                if (d != c)
                {
                    WriteByte((byte)',');
                }

                _members[d].Written = true;
                WriteRaw(copy.AsSpan(_members[d].ValueStart - regionStart, _members[d].ValueEnd - _members[d].ValueStart));
            }

            WriteByte((byte)']');
        }
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

    /// <summary>
    /// The id of an element name, looked up first where the same child of the previous item had its name: items
    /// of one body mostly repeat one shape, so the lookup is usually one reference comparison.
    /// </summary>
    private int ElementId(string name, int parentDepth)
    {
        var ordinal = _memberCount - _levels[parentDepth].FirstMember;
        if (ordinal >= SlotsPerLevel || parentDepth >= SlotLevels)
        {
            return LookUpElementId(name);
        }

        ref var slot = ref _nameSlots[(parentDepth * SlotsPerLevel) + ordinal];
        if (!ReferenceEquals(slot.Name, name))
        {
            slot = (name, LookUpElementId(name));
        }

        return slot.Id;
    }

    private int LookUpElementId(string name)
    {
        if (!_elementIds.TryGetValue(name, out var id))
        {
            id = _elementNames.Count;
            _elementNames.Add(EncodeName(name));
            _elementIds[name] = id;
        }

        return id;
    }

    /// <summary>An attribute's JSON name, looked up first where the same attribute of the previous item had its name.</summary>
    private byte[] AttributeName(string name, int depth, int ordinal)
    {
        if (depth >= SlotLevels || ordinal >= AttributeSlotsPerLevel)
        {
            return LookUpAttributeName(name);
        }

        ref var slot = ref _attributeSlots[(depth * AttributeSlotsPerLevel) + ordinal];
        if (!ReferenceEquals(slot.Name, name))
        {
            slot = (name, LookUpAttributeName(name));
        }

        return slot.Encoded!;
    }

    private byte[] LookUpAttributeName(string name)
    {
        if (!_attributeNames.TryGetValue(name, out var encoded))
        {
            encoded = EncodeName("@" + name);
            _attributeNames[name] = encoded;
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

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_output.AsSpan(_length));
        _length += bytes.Length;
    }

    private void WriteByte(byte value)
    {
        Ensure(1);
        _output[_length++] = value;
    }

    private void WriteString(string value)
    {
        WriteByte((byte)'"');
        WriteEscaped(ref _output, ref _length, value);
        WriteByte((byte)'"');
    }

    /// <summary>Appends a string's JSON content: transcoded in one step, then escaped only where it must be.</summary>
    private void WriteEscaped(ref byte[] buffer, ref int length, string value)
    {
        // Three UTF-8 bytes per UTF-16 char at most; a long value is counted rather than reserved for the worst case.
        var most = value.Length <= 16 * 1024 ? value.Length * 3 : Utf8Length(value);
        Ensure(ref buffer, length, most);
        Utf8.FromUtf16(value, buffer.AsSpan(length), out _, out var written);
        var escapeAt = buffer.AsSpan(length, written).IndexOfAny(MustEscape);
        if (escapeAt < 0)
        {
            length += written;
            return;
        }

        // The plain bytes stay; the rest moves to the scratch buffer and comes back escaped, in exactly the room it needs.
        var rest = buffer.AsSpan(length + escapeAt, written - escapeAt);
        EnsureScratch(rest.Length);
        rest.CopyTo(_scratch);
        rest = _scratch.AsSpan(0, rest.Length);
        length += escapeAt;
        long escaped = rest.Length;
        foreach (var b in rest)
        {
            escaped += b switch
            {
                (byte)'"' or (byte)'\\' or (byte)'\n' or (byte)'\r' or (byte)'\t' => 1,
                < 0x20 => 5,
                _ => 0,
            };
        }

        Ensure(ref buffer, length, escaped);
        var output = buffer.AsSpan();
        foreach (var b in rest)
        {
            var escape = b switch
            {
                (byte)'"' => (byte)'"',
                (byte)'\\' => (byte)'\\',
                (byte)'\n' => (byte)'n',
                (byte)'\r' => (byte)'r',
                (byte)'\t' => (byte)'t',
                < 0x20 => (byte)'u',
                _ => (byte)0,
            };

            if (escape == 0)
            {
                output[length++] = b;
            }
            else if (escape != (byte)'u')
            {
                output[length++] = (byte)'\\';
                output[length++] = escape;
            }
            else
            {
                "\\u00"u8.CopyTo(output[length..]);
                output[length + 4] = HexDigits[b >> 4];
                output[length + 5] = HexDigits[b & 0xF];
                length += 6;
            }
        }
    }

    private static long Utf8Length(string value)
    {
        try
        {
            return Encoding.UTF8.GetByteCount(value);
        }
        catch (ArgumentException)
        {
            // A lone surrogate (the reader refuses them, so only in principle): it becomes three bytes of U+FFFD.
            return value.Length * 3L;
        }
    }

    private void EnsureScratch(int size)
    {
        if (_scratch.Length < size)
        {
            _scratch = new byte[Math.Max(size, _scratch.Length * 2)];
        }
    }

    private void Ensure(int more) => Ensure(ref _output, _length, more);

    private void EnsureAside(int more) => Ensure(ref _aside, _asideLength, more);

    /// <summary>Lets go of buffers a very large item grew, so they do not stay for the rest of the body.</summary>
    private void Shrink()
    {
        if (_output.Length > KeepBytes)
        {
            _output = new byte[4096];
        }

        if (_aside.Length > KeepBytes)
        {
            _aside = new byte[256];
        }

        if (_scratch.Length > KeepBytes)
        {
            _scratch = [];
        }
    }

    private static void Ensure(ref byte[] buffer, int length, long more)
    {
        var needed = length + more;
        if (needed <= buffer.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new WebhookParseException($"An item of the body is too large to store: its JSON would pass {Array.MaxLength:N0} bytes.");
        }

        Array.Resize(ref buffer, (int)Math.Min(Math.Max(buffer.Length * 2L, needed), Array.MaxLength));
    }

    private static ReadOnlySpan<byte> HexDigits => "0123456789ABCDEF"u8;

    /// <summary>The bytes a JSON string cannot hold as they are. UTF-8 bytes of non-ASCII characters are all 0x80 or above.</summary>
    private static readonly SearchValues<byte> MustEscape = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>An element being read: where its value stands in the output and what is known of it so far.</summary>
    private struct Level
    {
        public string? Path;
        public int Member;
        public int FirstMember;
        public int InlineText;
        public int AsideStart;
        public bool IsObject;
        public bool HasMembers;
        public bool HasAttributes;
        public bool Regroup;
        public bool TextIsWhite;
    }

    /// <summary>A child element already written into its parent object.</summary>
    private struct Member
    {
        public int NameId;
        public int PrefixStart;
        public int ValueStart;
        public int ValueEnd;
        public int NextSame;
        public bool AlwaysArray;
        public bool Written;
    }
}
