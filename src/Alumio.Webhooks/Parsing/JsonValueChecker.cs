using System.Text;
using System.Text.Json;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Reads a JSON value token by token and finds what is valid syntax but cannot be an entity, as
/// System.Text.Json's <c>JsonObject</c> and strings refuse it later: an object that names a property
/// twice, and a string that escapes half a surrogate pair (<c>\uD800</c> to <c>\uDFFF</c> without
/// its other half).
/// </summary>
/// <remarks>
/// Names are compared after unescaping, linearly while an object has few of them and through a hash
/// set beyond, so a hostile object of many keys costs linear time. An instance is reused value after
/// value; it is not thread-safe.
/// </remarks>
internal sealed class JsonValueChecker
{
    private const int LinearNames = 32;
    private const int MaxNameInMessage = 100;

    private (int Start, int Length)[] _names = new (int, int)[16];
    private Level[] _levels = new Level[8];
    private byte[] _arena = new byte[256];
    private int _nameCount;
    private int _levelCount;
    private int _arenaLength;

    /// <summary>Checks one complete JSON value, already known to be valid and no deeper than <see cref="JsonParser.MaxDepth"/>.</summary>
    /// <param name="json">The value's UTF-8 text.</param>
    /// <returns>What is wrong and where, or <see langword="null"/>.</returns>
    public Problem? Check(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = JsonParser.MaxDepth });
        reader.Read();
        TryRead(ref reader, out var problem);
        return problem;
    }

    /// <summary>
    /// Reads the value the reader is on through its last token, checking it. A problem stops the read
    /// where it is found.
    /// </summary>
    /// <param name="reader">The reader, on the value's first token.</param>
    /// <param name="problem">What is wrong and the offset of the token it was found at, or <see langword="null"/>.</param>
    /// <returns><see langword="false"/> when the reader's data ends before the value does.</returns>
    public bool TryRead(ref Utf8JsonReader reader, out Problem? problem)
    {
        _nameCount = 0;
        _levelCount = 0;
        _arenaLength = 0;
        problem = null;
        var depth = reader.CurrentDepth;
        while (true)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    if (_levelCount == _levels.Length)
                    {
                        Array.Resize(ref _levels, _levels.Length * 2);
                    }

                    _levels[_levelCount++] = new Level(_nameCount, _arenaLength, null);
                    break;

                case JsonTokenType.EndObject:
                    var level = _levels[--_levelCount];
                    _levels[_levelCount] = default;
                    _nameCount = level.FirstName;
                    _arenaLength = level.ArenaStart;
                    break;

                case JsonTokenType.PropertyName:
                    problem = AddName(ref reader);
                    break;

                case JsonTokenType.String when reader.ValueIsEscaped && MayEscapeSurrogate(ref reader):
                    problem = CheckString(ref reader);
                    break;
            }

            if (problem is not null || (reader.CurrentDepth == depth && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)))
            {
                return true;
            }

            if (!reader.Read())
            {
                return false;
            }
        }
    }

    /// <summary>Whether an escaped string holds <c>\ud</c> or <c>\uD</c> at all: most do not, and need no unescaping.</summary>
    private static bool MayEscapeSurrogate(ref Utf8JsonReader reader)
    {
        if (reader.HasValueSequence)
        {
            return true;
        }

        var raw = reader.ValueSpan;
        var at = raw.IndexOf("\\u"u8);
        while (at >= 0)
        {
            raw = raw[(at + 2)..];
            if (!raw.IsEmpty && (raw[0] | 0x20) == 'd')
            {
                return true;
            }

            at = raw.IndexOf("\\u"u8);
        }

        return false;
    }

    private static Problem LoneSurrogate(ref Utf8JsonReader reader) =>
        new(reader.TokenStartIndex, "a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text");

    private Problem? CheckString(ref Utf8JsonReader reader)
    {
        // Unescaped into the free end of the arena, which is not kept.
        var span = Reserve(ref reader);
        try
        {
            reader.CopyString(span);
            return null;
        }
        catch (InvalidOperationException)
        {
            return LoneSurrogate(ref reader);
        }
    }

    private Problem? AddName(ref Utf8JsonReader reader)
    {
        int length;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            var raw = reader.ValueSpan;
            raw.CopyTo(Reserve(ref reader));
            length = raw.Length;
        }
        else
        {
            try
            {
                length = reader.CopyString(Reserve(ref reader));
            }
            catch (InvalidOperationException)
            {
                return LoneSurrogate(ref reader);
            }
        }

        ref var level = ref _levels[_levelCount - 1];
        var name = _arena.AsSpan(_arenaLength, length);
        var count = _nameCount - level.FirstName;
        bool duplicate;
        if (count < LinearNames)
        {
            duplicate = false;
            var bit = 1UL << (int)((((uint)name.Length * 31) + (name.IsEmpty ? 0u : (uint)name[0] * 7 + name[^1])) & 63);
            if ((level.Seen & bit) != 0)
            {
                for (var i = level.FirstName; i < _nameCount && !duplicate; i++)
                {
                    duplicate = name.SequenceEqual(_arena.AsSpan(_names[i].Start, _names[i].Length));
                }
            }

            level.Seen |= bit;
        }
        else
        {
            if (level.Names is null)
            {
                level.Names = new HashSet<string>(StringComparer.Ordinal);
                for (var i = level.FirstName; i < _nameCount; i++)
                {
                    level.Names.Add(Encoding.UTF8.GetString(_arena, _names[i].Start, _names[i].Length));
                }
            }

            duplicate = !level.Names.Add(Encoding.UTF8.GetString(name));
        }

        if (duplicate)
        {
            var text = Encoding.UTF8.GetString(name);
            if (text.Length > MaxNameInMessage)
            {
                text = text[..MaxNameInMessage] + "...";
            }

            return new Problem(reader.TokenStartIndex, $"an object names the property '{text}' twice");
        }

        if (_nameCount == _names.Length)
        {
            Array.Resize(ref _names, _names.Length * 2);
        }

        _names[_nameCount++] = (_arenaLength, length);
        _arenaLength += length;
        return null;
    }

    /// <summary>Makes room at the end of the arena for the current token's unescaped value.</summary>
    private Span<byte> Reserve(ref Utf8JsonReader reader)
    {
        var needed = checked((int)(reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length));
        if (_arena.Length - _arenaLength < needed)
        {
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaLength + needed));
        }

        return _arena.AsSpan(_arenaLength, needed);
    }

    /// <summary>What is wrong with a value.</summary>
    /// <param name="Offset">The offset, in the reader's data, of the token where it was found.</param>
    /// <param name="Description">What is wrong, to follow "not valid JSON: ".</param>
    internal readonly record struct Problem(long Offset, string Description);

    /// <summary>An open object: where its names start in the list and the arena, and a hash set of them once it has many.</summary>
    private struct Level(int firstName, int arenaStart, HashSet<string>? names)
    {
        public int FirstName { get; } = firstName;

        public int ArenaStart { get; } = arenaStart;

        public HashSet<string>? Names { get; set; } = names;

        /// <summary>One bit per name hash seen in this object: a name whose bit is clear needs no comparison.</summary>
        public ulong Seen { get; set; }
    }
}
