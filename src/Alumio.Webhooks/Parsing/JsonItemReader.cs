using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Streams the items an <see cref="ItemPattern"/> lands on out of a JSON body: one pass of
/// <see cref="Utf8JsonReader"/> over the body as it arrives, each matched value parsed once into an
/// immutable <see cref="JsonElement"/>. Only the bytes of the current item are held.
/// </summary>
internal sealed class JsonItemReader
{
    private const int MinimumReadSize = 64 * 1024;

    private readonly ItemPattern? _pattern;
    private readonly byte[]?[] _literals;

    /// <summary>What each key of the pattern matched on the current path, kept only for keys with a wildcard; null when the pattern has none.</summary>
    private readonly string?[]? _matched;

    /// <summary>The captures of the items of the current array, shared while the path does not change.</summary>
    private string[]? _captures;
    private readonly List<Frame> _frames = [];
    private readonly JsonValueChecker _checker = new();
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = JsonParser.MaxDepth });
    private int _deadDepth;
    private bool _rootSeen;
    private bool _rootDone;
    private long _line = 1;
    private long _retryAt;
    private bool _incomplete;
    private long _column;
    private ReadOnlyMemory<byte> _buffer;

    /// <param name="pattern">The pattern; <see langword="null"/> takes the whole document as one item.</param>
    public JsonItemReader(ItemPattern? pattern)
    {
        _pattern = pattern;
        _literals = new byte[]?[pattern?.Length ?? 0];
        for (var i = 0; i < _literals.Length; i++)
        {
            _literals[i] = pattern!.LiteralAt(i) is { } literal ? Encoding.UTF8.GetBytes(literal) : null;
        }

        _matched = pattern is { CaptureCount: > 0 } ? new string?[pattern.Length] : null;
    }

    public static async IAsyncEnumerable<ParsedItem> ReadAsync(Stream body, ItemPattern? pattern, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // One contiguous buffer, not a pipe: Utf8JsonReader is much faster over one span than over a sequence of
        // segments, which is what a pipe hands out whenever an item straddles two reads.
        var walker = new JsonItemReader(pattern);
        var buffer = ArrayPool<byte>.Shared.Rent(MinimumReadSize);
        var start = 0;
        var end = 0;
        var completed = false;
        var items = new List<ParsedItem>();
        try
        {
            while (true)
            {
                if (!completed)
                {
                    // What is left of the last read is at most one item: move it to the front, and grow the buffer
                    // when it is too full to read a good part at once.
                    var pending = end - start;
                    if (start > 0)
                    {
                        buffer.AsSpan(start, pending).CopyTo(buffer);
                        start = 0;
                        end = pending;
                    }

                    if (buffer.Length - end < MinimumReadSize / 4 || buffer.Length < walker._retryAt)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(Array.MaxLength, Math.Max(buffer.Length * 2L, walker._retryAt + (MinimumReadSize / 4))));
                        buffer.AsSpan(0, end).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await body.ReadAsync(buffer.AsMemory(end), cancellationToken).ConfigureAwait(false);
                    if (read == 0)
                    {
                        completed = true;
                    }

                    end += read;
                    if (!completed && end - start < walker._retryAt)
                    {
                        // An item did not fit: wait until there is twice as much before reading it again from its
                        // start, so a large item costs linear, not quadratic, time.
                        continue;
                    }
                }

                var consumed = walker.Process(buffer.AsMemory(start, end - start), completed, items);
                walker._retryAt = walker._incomplete ? (end - start - consumed) * 2L : 0;
                start += consumed;
                foreach (var item in items)
                {
                    yield return item;
                }

                items.Clear();
                if (completed)
                {
                    walker.Finish();
                    yield break;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads the items of a JSON value held whole in memory.</summary>
    public static void ReadAll(ReadOnlyMemory<byte> json, ItemPattern pattern, List<ParsedItem> items)
    {
        var walker = new JsonItemReader(pattern);
        walker.Process(json, isFinalBlock: true, items);
        walker.Finish();
    }

    /// <summary>Reads the items in a buffer; returns how many bytes were consumed (the rest starts an incomplete item).</summary>
    private int Process(ReadOnlyMemory<byte> buffer, bool isFinalBlock, List<ParsedItem> items)
    {
        _buffer = buffer;
        _incomplete = false;
        var reader = new Utf8JsonReader(buffer.Span, isFinalBlock, _state);
        try
        {
            while (true)
            {
                var checkpoint = reader.CurrentState;
                var checkpointPosition = (int)reader.BytesConsumed;
                if (!reader.Read())
                {
                    break;
                }

                if (!Handle(ref reader, items))
                {
                    // The current item is not complete in this buffer: read it again, whole, with more data.
                    _incomplete = true;
                    _state = checkpoint;
                    CountLines(buffer.Span[..checkpointPosition]);
                    return checkpointPosition;
                }
            }
        }
        catch (JsonException exception)
        {
            throw new WebhookParseException(
                $"The body is not valid JSON: {JsonParser.Describe(exception)}",
                exception.LineNumber + 1,
                exception.BytePositionInLine + 1,
                exception);
        }

        _state = reader.CurrentState;
        var consumed = (int)reader.BytesConsumed;
        CountLines(buffer.Span[..consumed]);
        return consumed;
    }

    /// <summary>Keeps the line and column where the next buffer starts, so errors the reader does not locate can be.</summary>
    private void CountLines(ReadOnlySpan<byte> consumed) => Advance(consumed, ref _line, ref _column);

    /// <summary>The 1-based line and byte position of an offset in the current buffer.</summary>
    private (long Line, long Position) Locate(long offset)
    {
        var line = _line;
        var column = _column;
        Advance(_buffer.Span[..(int)offset], ref line, ref column);
        return (line, column + 1);
    }

    /// <summary>Moves a line and a 0-based column past some bytes.</summary>
    private static void Advance(ReadOnlySpan<byte> span, ref long line, ref long column)
    {
        var newlines = span.Count((byte)'\n');
        if (newlines == 0)
        {
            column += span.Length;
        }
        else
        {
            line += newlines;
            column = span.Length - span.LastIndexOf((byte)'\n') - 1;
        }
    }

    /// <summary>Handles the token the reader is on; returns false when an item needs more data.</summary>
    private bool Handle(ref Utf8JsonReader reader, List<ParsedItem> items)
    {
        var token = reader.TokenType;
        if (_deadDepth > 0)
        {
            if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                _deadDepth++;
            }
            else if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                _deadDepth--;
            }

            return true;
        }

        if (token is JsonTokenType.EndObject or JsonTokenType.EndArray)
        {
            _frames.RemoveAt(_frames.Count - 1);
            _rootDone = _frames.Count == 0;
            return true;
        }

        if (_frames.Count == 0)
        {
            return _pattern is null ? CaptureRoot(ref reader, items) : StartRoot(ref reader);
        }

        var frame = _frames[^1];
        if (token == JsonTokenType.PropertyName)
        {
            var depth = frame.PathLength;
            if (!MatchesKey(ref reader, depth))
            {
                return SkipValue(ref reader);
            }

            if (depth + 1 < _pattern!.Length)
            {
                return EnterOrSkip(ref reader, depth + 1);
            }

            return Capture(ref reader, items);
        }

        // An array element.
        var index = frame.NextIndex;
        _frames[^1] = frame with { NextIndex = index + 1 };
        if (frame.Expand)
        {
            return CaptureElement(ref reader, items, frame);
        }

        if (!_pattern!.MatchesIndex(frame.PathLength, index))
        {
            Skip(token);
            return true;
        }

        if (_matched is not null && _pattern.CapturesAt(frame.PathLength))
        {
            Matched(frame.PathLength, index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (frame.PathLength + 1 < _pattern!.Length)
        {
            Enter(token, frame.PathLength + 1, expand: false);
            return true;
        }

        if (token == JsonTokenType.StartArray)
        {
            _frames.Add(new Frame(frame.PathLength + 1, 0, Expand: true));
            return true;
        }

        return CaptureElement(ref reader, items, frame);
    }

    /// <summary>Without a pattern the whole document is the item: it is checked and copied as it is.</summary>
    private bool CaptureRoot(ref Utf8JsonReader reader, List<ParsedItem> items)
    {
        if (_rootDone)
        {
            return true;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new WebhookParseException("The body is the JSON literal null, which holds no entity.", 1, 1);
        }

        if (!CaptureValue(ref reader, items))
        {
            return false;
        }

        _rootSeen = true;
        _rootDone = true;
        return true;
    }

    private bool StartRoot(ref Utf8JsonReader reader)
    {
        _rootSeen = true;
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                _frames.Add(new Frame(0, 0, Expand: false));
                break;
            case JsonTokenType.Null:
                throw new WebhookParseException("The body is the JSON literal null, which holds no entity.", 1, 1);
            default:
                _rootDone = true;
                break;
        }

        return true;
    }

    private bool MatchesKey(ref Utf8JsonReader reader, int depth)
    {
        try
        {
            if (_literals[depth] is { } literal)
            {
                return reader.ValueTextEquals(literal);
            }

            var key = reader.GetString()!;
            if (!_pattern!.MatchesKey(depth, key))
            {
                return false;
            }

            Matched(depth, key);
            return true;
        }
        catch (InvalidOperationException exception)
        {
            // A key that is not text: invalid UTF-8 or an escaped half of a surrogate pair.
            var (line, position) = Locate(reader.TokenStartIndex);
            throw new WebhookParseException($"The body is not valid JSON at line {line}, position {position}: a property name is not valid text.", line, position, exception);
        }
    }

    /// <summary>The key did not match: its value is passed over, however large.</summary>
    private bool SkipValue(ref Utf8JsonReader reader)
    {
        if (!reader.Read())
        {
            return false;
        }

        Skip(reader.TokenType);
        return true;
    }

    private bool EnterOrSkip(ref Utf8JsonReader reader, int pathLength)
    {
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            Enter(reader.TokenType, pathLength, expand: false);
        }

        return true;
    }

    /// <summary>The pattern ends on this property: an array's elements are items, anything else is one item.</summary>
    private bool Capture(ref Utf8JsonReader reader, List<ParsedItem> items)
    {
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.StartArray)
        {
            _frames.Add(new Frame(_frames[^1].PathLength + 1, 0, Expand: true));
            return true;
        }

        return CaptureValue(ref reader, items);
    }

    /// <summary>Captures an array element as an item; when it needs more data, the array's frame is put back as it was.</summary>
    private bool CaptureElement(ref Utf8JsonReader reader, List<ParsedItem> items, Frame before)
    {
        if (!CaptureValue(ref reader, items))
        {
            _frames[^1] = before;
            return false;
        }

        return true;
    }

    /// <summary>Copies the value the reader is on, checked in one pass but not parsed, as the item's UTF-8 JSON.</summary>
    private bool CaptureValue(ref Utf8JsonReader reader, List<ParsedItem> items)
    {
        var start = reader.TokenStartIndex;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (!_checker.TryRead(ref reader, out var problem))
        {
            return false;
        }

        if (problem is { } found)
        {
            var (line, position) = Locate(found.Offset);
            throw new WebhookParseException($"The body is not valid JSON at line {line}, position {position}: {found.Description}.", line, position);
        }

        var length = reader.BytesConsumed - start;
        var item = _buffer.Span.Slice((int)start, (int)length).ToArray();
        if (!Utf8.IsValid(item))
        {
            var (line, position) = Locate(start + NdjsonParser.FirstInvalidUtf8(item));
            throw new WebhookParseException($"The body is not valid UTF-8 at line {line}, position {position}.", line, position);
        }

        items.Add(new ParsedItem(item, _matched is null ? [] : _captures ??= _pattern!.CapturesOf(_matched)));
        return true;
    }

    /// <summary>Records what a wildcard key of the pattern matched; the captures of later items are taken afresh.</summary>
    private void Matched(int depth, string value)
    {
        if (_matched is not null && !string.Equals(_matched[depth], value, StringComparison.Ordinal))
        {
            _matched[depth] = value;
            _captures = null;
        }
    }

    private void Enter(JsonTokenType token, int pathLength, bool expand)
    {
        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            _frames.Add(new Frame(pathLength, 0, expand));
        }
    }

    private void Skip(JsonTokenType token)
    {
        if (token is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            _deadDepth = 1;
        }
    }

    private void Finish()
    {
        if (!_rootSeen)
        {
            throw new WebhookParseException("The body is not valid JSON: it is empty.", 1, 1);
        }

        if (!_rootDone || _frames.Count > 0 || _deadDepth > 0)
        {
            throw new WebhookParseException("The body is not valid JSON: it ends before the document does.");
        }
    }

    /// <summary>An object or array being read whose path matches the pattern so far.</summary>
    /// <param name="PathLength">How many keys lead to this container.</param>
    /// <param name="NextIndex">For an array, the index of the next element.</param>
    /// <param name="Expand">The pattern ended on this array: each element is an item.</param>
    private readonly record struct Frame(int PathLength, int NextIndex, bool Expand);
}
