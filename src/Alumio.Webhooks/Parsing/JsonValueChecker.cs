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
    private const int MaxReusedSetCapacity = 1024;

    private (int Start, int Length)[] _names = new (int, int)[16];
    private Level[] _levels = new Level[8];
    private HashSet<string>?[] _sets = new HashSet<string>?[8];
    private byte[] _arena = new byte[256];
    private int _nameCount;
    private int _levelCount;
    private int _arenaLength;
    private Problem? _problem;

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

        // Objects and arrays open within the value: the value ends with the token that brings this back to 0.
        var open = 0;
        while (true)
        {
            var ok = true;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    if (_levelCount == _levels.Length)
                    {
                        Array.Resize(ref _levels, _levels.Length * 2);
                        Array.Resize(ref _sets, _levels.Length);
                    }

                    _levels[_levelCount++] = new Level(_nameCount, _arenaLength);
                    open++;
                    break;

                case JsonTokenType.StartArray:
                    open++;
                    break;

                case JsonTokenType.EndObject:
                    var level = _levels[--_levelCount];
                    _nameCount = level.FirstName;
                    _arenaLength = level.ArenaStart;
                    open--;
                    break;

                case JsonTokenType.EndArray:
                    open--;
                    break;

                case JsonTokenType.PropertyName:
                    ok = AddName(ref reader);
                    break;

                case JsonTokenType.String when reader.ValueIsEscaped && MayEscapeSurrogate(ref reader):
                    ok = CheckString(ref reader);
                    break;
            }

            if (!ok)
            {
                problem = _problem;
                return true;
            }

            if (open == 0)
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

    /// <summary>One of 64 bits for a name, from its length and its first and last bytes.</summary>
    private static ulong BitOf(ReadOnlySpan<byte> name) =>
        1UL << (int)((((uint)name.Length * 31) + (name.IsEmpty ? 0u : ((uint)name[0] * 7) + name[^1])) & 63);

    private bool LoneSurrogate(ref Utf8JsonReader reader)
    {
        _problem = new Problem(reader.TokenStartIndex, "a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text");
        return false;
    }

    private bool CheckString(ref Utf8JsonReader reader)
    {
        // Unescaped into the free end of the arena, which is not kept.
        var span = Reserve(ValueLength(ref reader));
        try
        {
            reader.CopyString(span);
            return true;
        }
        catch (InvalidOperationException)
        {
            return LoneSurrogate(ref reader);
        }
    }

    /// <summary>Adds a property name to the innermost open object; <see langword="false"/> (and the problem) when it is there already.</summary>
    private bool AddName(ref Utf8JsonReader reader)
    {
        ReadOnlySpan<byte> name;
        bool inArena;
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            // Most names: compared where they are, copied only once known to be new.
            name = reader.ValueSpan;
            inArena = false;
        }
        else
        {
            var free = Reserve(ValueLength(ref reader));
            try
            {
                name = free[..reader.CopyString(free)];
            }
            catch (InvalidOperationException)
            {
                return LoneSurrogate(ref reader);
            }

            inArena = true;
        }

        ref var level = ref _levels[_levelCount - 1];
        if (_nameCount - level.FirstName < LinearNames)
        {
            var bit = BitOf(name);
            if ((level.Seen & bit) != 0)
            {
                for (var i = level.FirstName; i < _nameCount; i++)
                {
                    if (name.SequenceEqual(_arena.AsSpan(_names[i].Start, _names[i].Length)))
                    {
                        return Duplicate(ref reader, name);
                    }
                }
            }

            level.Seen |= bit;
        }
        else
        {
            var names = _sets[_levelCount - 1];
            if (!level.HasSet)
            {
                // The first name past the linear ones: the names so far go into the level's set. A set is reused only
                // while small: clearing one sized for a huge earlier object would cost every later object as much.
                if (names is null || names.EnsureCapacity(0) > MaxReusedSetCapacity)
                {
                    names = _sets[_levelCount - 1] = new HashSet<string>(StringComparer.Ordinal);
                }

                names.Clear();
                for (var i = level.FirstName; i < _nameCount; i++)
                {
                    names.Add(Encoding.UTF8.GetString(_arena, _names[i].Start, _names[i].Length));
                }

                level.HasSet = true;
            }

            if (!names!.Add(Encoding.UTF8.GetString(name)))
            {
                return Duplicate(ref reader, name);
            }
        }

        // Kept for the names that follow in the same object.
        if (!inArena)
        {
            name.CopyTo(Reserve(name.Length));
        }

        if (_nameCount == _names.Length)
        {
            Array.Resize(ref _names, _names.Length * 2);
        }

        _names[_nameCount++] = (_arenaLength, name.Length);
        _arenaLength += name.Length;
        return true;
    }

    private bool Duplicate(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        var text = Encoding.UTF8.GetString(name);
        if (text.Length > MaxNameInMessage)
        {
            text = text[..MaxNameInMessage] + "...";
        }

        _problem = new Problem(reader.TokenStartIndex, $"an object names the property '{text}' twice");
        return false;
    }

    /// <summary>The length of the current token's raw value, which its unescaped value does not exceed.</summary>
    private static int ValueLength(ref Utf8JsonReader reader) =>
        checked((int)(reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length));

    /// <summary>Makes room for <paramref name="needed"/> bytes at the end of the arena.</summary>
    private Span<byte> Reserve(int needed)
    {
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

    /// <summary>
    /// An open object: where its names start in the list and the arena, a bit per name hash seen, and whether its names
    /// are in its set (in <see cref="_sets"/>, at the same index) once it has many. Values only, so opening and closing an
    /// object writes no reference.
    /// </summary>
    private struct Level(int firstName, int arenaStart)
    {
        public readonly int FirstName = firstName;

        public readonly int ArenaStart = arenaStart;

        /// <summary>One bit per name hash seen in this object: a name whose bit is clear needs no comparison.</summary>
        public ulong Seen;

        public bool HasSet;
    }
}
