using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Parses an <c>application/x-www-form-urlencoded</c> body into one document (prototype <c>form</c>),
/// with PHP-style brackets for structure.
/// </summary>
/// <remarks>
/// <para>
/// Keys and values are percent-decoded (<c>+</c> is a space) and read as UTF-8; values stay strings.
/// A key given more than once becomes an array of its values, in order. <c>a[b]=1&amp;a[c]=2</c> is
/// <c>{"a":{"b":"1","c":"2"}}</c>; <c>a[]=1&amp;a[]=2</c> is <c>{"a":["1","2"]}</c>; brackets nest
/// (<c>a[b][c]=1</c>), and <c>a[][b]=1&amp;a[][b]=2</c> is an array of two objects. Numbers in
/// brackets are object keys (<c>a[0]=x</c> is <c>{"a":{"0":"x"}}</c>). A pair without <c>=</c> has the
/// empty string as its value; empty pairs (<c>&amp;&amp;</c>) are skipped; an empty body is <c>{}</c>.
/// </para>
/// <para>
/// Refused, with the 1-based byte position in the body (as <see cref="WebhookParseException.Position"/>
/// on line 1): a <c>%</c> not followed by two hexadecimal digits, bytes that are not UTF-8 once
/// decoded, an empty key name, unbalanced brackets, keys that give one name two shapes
/// (<c>a=1&amp;a[b]=2</c>), more than <see cref="MaxKeys"/> pairs and more than
/// <see cref="MaxDepth"/> levels of nesting. The body is read in chunks.
/// </para>
/// </remarks>
public sealed class FormParser : IParser
{
    /// <summary>The most pairs a body may hold.</summary>
    public const int MaxKeys = 10_000;

    /// <summary>The deepest nesting a key may give, counting the document itself.</summary>
    public const int MaxDepth = JsonParser.MaxDepth;

    private const int ChunkLength = 16 * 1024;

    /// <inheritdoc />
    public async IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        var state = new FormState();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkLength);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(0, ChunkLength), cancellationToken).ConfigureAwait(false)) > 0)
            {
                state.Feed(chunk.AsSpan(0, read));
            }

            state.EndPair();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        yield return state.Root;
    }

    private sealed class FormState
    {
        private readonly ArrayBufferWriter<byte> _pair = new();
        private long _offset;
        private long _pairStart = 1;
        private int _pairs;

        public JsonObject Root { get; } = [];

        public void Feed(ReadOnlySpan<byte> bytes)
        {
            while (!bytes.IsEmpty)
            {
                var amp = bytes.IndexOf((byte)'&');
                if (amp < 0)
                {
                    _pair.Write(bytes);
                    _offset += bytes.Length;
                    return;
                }

                _pair.Write(bytes[..amp]);
                _offset += amp + 1;
                EndPair();
                _pairStart = _offset + 1;
                bytes = bytes[(amp + 1)..];
            }
        }

        public void EndPair()
        {
            var raw = _pair.WrittenSpan;
            if (!raw.IsEmpty)
            {
                if (++_pairs > MaxKeys)
                {
                    throw new WebhookParseException($"The form holds more than {MaxKeys} keys.", 1, _pairStart);
                }

                var equals = raw.IndexOf((byte)'=');
                var rawKey = equals < 0 ? raw : raw[..equals];
                var key = Decode(rawKey, _pairStart);
                var value = equals < 0 ? string.Empty : Decode(raw[(equals + 1)..], _pairStart + equals + 1);
                Add(key, value, _pairStart);
            }

            _pair.ResetWrittenCount();
        }

        private static string Decode(ReadOnlySpan<byte> raw, long start)
        {
            var decoded = ArrayPool<byte>.Shared.Rent(raw.Length);
            try
            {
                var length = 0;
                for (var i = 0; i < raw.Length; i++)
                {
                    var b = raw[i];
                    if (b == (byte)'+')
                    {
                        b = (byte)' ';
                    }
                    else if (b == (byte)'%')
                    {
                        if (i + 2 >= raw.Length || !IsHex(raw[i + 1]) || !IsHex(raw[i + 2]))
                        {
                            throw new WebhookParseException(
                                $"The form has an invalid percent-encoding at position {start + i}: '%' must be followed by two hexadecimal digits.", 1, start + i);
                        }

                        b = (byte)((HexValue(raw[i + 1]) << 4) | HexValue(raw[i + 2]));
                        i += 2;
                    }

                    decoded[length++] = b;
                }

                var text = decoded.AsSpan(0, length);
                if (!Utf8.IsValid(text))
                {
                    var bad = start + RawOffset(raw, FirstInvalid(text));
                    throw new WebhookParseException($"The form is not valid UTF-8 once decoded, at position {bad}.", 1, bad);
                }

                return Encoding.UTF8.GetString(text);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(decoded);
            }
        }

        private static int FirstInvalid(ReadOnlySpan<byte> text)
        {
            var index = 0;
            while (index < text.Length)
            {
                if (Rune.DecodeFromUtf8(text[index..], out _, out var consumed) != OperationStatus.Done)
                {
                    return index;
                }

                index += consumed;
            }

            return index;
        }

        /// <summary>Maps an index in the decoded bytes back to the raw (encoded) bytes.</summary>
        private static int RawOffset(ReadOnlySpan<byte> raw, int decodedIndex)
        {
            var rawIndex = 0;
            for (var decoded = 0; decoded < decodedIndex && rawIndex < raw.Length; decoded++)
            {
                rawIndex += raw[rawIndex] == (byte)'%' ? 3 : 1;
            }

            return rawIndex;
        }

        private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

        private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;

        private void Add(string key, string value, long position)
        {
            var path = SplitKey(key, position);
            if (path.Count >= MaxDepth)
            {
                throw new WebhookParseException($"The form key '{key}' nests deeper than {MaxDepth} levels.", 1, position);
            }

            JsonNode current = Root;
            for (var i = 0; i < path.Count; i++)
            {
                var segment = path[i];
                var last = i == path.Count - 1;
                var wantArray = !last && path[i + 1].Length == 0;
                if (current is JsonArray array)
                {
                    // Only an empty index ("[]") leads into an array: it appends.
                    if (last)
                    {
                        array.Add((JsonNode)JsonValue.Create(value));
                        return;
                    }

                    JsonNode child = wantArray ? new JsonArray() : new JsonObject();
                    array.Add(child);
                    current = child;
                    continue;
                }

                var obj = (JsonObject)current;
                if (segment.Length == 0)
                {
                    throw Conflict(key, Prefix(path, i), "is an object, so '[]' cannot append to it", position);
                }

                obj.TryGetPropertyValue(segment, out var existing);
                if (last)
                {
                    switch (existing)
                    {
                        case null:
                            obj[segment] = value;
                            break;
                        case JsonArray values when values.Count == 0 || values[^1] is JsonValue:
                            values.Add((JsonNode)JsonValue.Create(value));
                            break;
                        case JsonValue text:
                            obj[segment] = null;
                            obj[segment] = new JsonArray(text, JsonValue.Create(value));
                            break;
                        default:
                            throw Conflict(key, Prefix(path, i + 1), "already holds structure, so it cannot also be a value", position);
                    }

                    return;
                }

                switch (existing)
                {
                    case null:
                        JsonNode child = wantArray ? new JsonArray() : new JsonObject();
                        obj[segment] = child;
                        current = child;
                        break;
                    case JsonArray when wantArray:
                    case JsonObject when !wantArray:
                        current = existing;
                        break;
                    case JsonValue text when wantArray:
                        obj[segment] = null;
                        var converted = new JsonArray(text);
                        obj[segment] = converted;
                        current = converted;
                        break;
                    default:
                        var shape = existing switch
                        {
                            JsonValue => "is already a value",
                            JsonArray => "is already a list",
                            _ => "is already an object",
                        };
                        throw Conflict(key, Prefix(path, i + 1), shape, position);
                }
            }
        }

        private static List<string> SplitKey(string key, long position)
        {
            var open = key.IndexOf('[', StringComparison.Ordinal);
            var name = open < 0 ? key : key[..open];
            if (name.Length == 0)
            {
                throw new WebhookParseException($"The form has a pair with an empty key name ('{key}').", 1, position);
            }

            var path = new List<string> { name };
            var rest = open < 0 ? ReadOnlySpan<char>.Empty : key.AsSpan(open);
            while (!rest.IsEmpty)
            {
                var close = rest.IndexOf(']');
                if (rest[0] != '[' || close < 0 || rest[1..close].Contains('['))
                {
                    throw new WebhookParseException($"The form key '{key}' has unbalanced brackets.", 1, position);
                }

                path.Add(rest[1..close].ToString());
                rest = rest[(close + 1)..];
                if (path.Count > MaxDepth)
                {
                    throw new WebhookParseException($"The form key '{key}' nests deeper than {MaxDepth} levels.", 1, position);
                }
            }

            return path;
        }

        private static string Prefix(List<string> path, int count)
        {
            var builder = new StringBuilder(path[0]);
            for (var i = 1; i < count; i++)
            {
                builder.Append('[').Append(path[i]).Append(']');
            }

            return builder.ToString();
        }

        private static WebhookParseException Conflict(string key, string prefix, string problem, long position) =>
            new($"The form key '{key}' conflicts with an earlier key: '{prefix}' {problem}.", 1, position);
    }
}
