using System.Text;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Splitting;

/// <summary>
/// A compiled Alumio dot pattern such as <c>shipments.shipment</c>, <c>data.*</c> or <c>items.0</c>:
/// dot-separated keys, <c>*</c> for any key or element, a number for an array index, and <c>\.</c>
/// for a dot inside a key.
/// </summary>
public sealed class ItemPattern
{
    private readonly Segment[] _segments;

    private ItemPattern(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>Gets the pattern as written.</summary>
    public string Text { get; }

    /// <summary>Compiles a pattern.</summary>
    /// <param name="pattern">The pattern text.</param>
    /// <returns>The compiled pattern.</returns>
    /// <exception cref="FormatException">The pattern is invalid; the message gives the 1-based position.</exception>
    public static ItemPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            throw new FormatException("The pattern is empty.");
        }

        var segments = new List<Segment>();
        var current = new StringBuilder();
        var escaped = false;
        var segmentStart = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (escaped)
            {
                if (c is not ('.' or '\\' or '*'))
                {
                    throw new FormatException($"Unknown escape '\\{c}' at position {i}; only '\\.', '\\*' and '\\\\' are allowed.");
                }

                current.Append(c);
                escaped = false;
                continue;
            }

            switch (c)
            {
                case '\\':
                    escaped = true;
                    break;
                case '.':
                    segments.Add(CreateSegment(pattern, current, segmentStart, i));
                    current.Clear();
                    segmentStart = i + 1;
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }

        if (escaped)
        {
            throw new FormatException($"The pattern ends with a lone '\\' at position {pattern.Length}.");
        }

        segments.Add(CreateSegment(pattern, current, segmentStart, pattern.Length));
        return new ItemPattern(pattern, [.. segments]);
    }

    /// <summary>Finds every node the pattern lands on, in document order.</summary>
    /// <param name="document">The document to search.</param>
    /// <returns>The matched nodes; arrays are returned as they are, not expanded.</returns>
    public IEnumerable<JsonNode?> Match(JsonNode? document)
    {
        IEnumerable<JsonNode?> current = [document];
        foreach (var segment in _segments)
        {
            current = Step(current, segment);
        }

        return current;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static IEnumerable<JsonNode?> Step(IEnumerable<JsonNode?> nodes, Segment segment)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case JsonObject obj when segment.IsWildcard:
                    foreach (var property in obj)
                    {
                        yield return property.Value;
                    }

                    break;
                case JsonObject obj:
                    if (obj.TryGetPropertyValue(segment.Key, out var value))
                    {
                        yield return value;
                    }

                    break;
                case JsonArray array when segment.IsWildcard:
                    foreach (var element in array)
                    {
                        yield return element;
                    }

                    break;
                case JsonArray array when segment.Index is int index:
                    if (index < array.Count)
                    {
                        yield return array[index];
                    }

                    break;
            }
        }
    }

    private static Segment CreateSegment(string pattern, StringBuilder text, int start, int end)
    {
        if (end == start)
        {
            throw new FormatException($"The pattern '{pattern}' has an empty key at position {start + 1}.");
        }

        var key = text.ToString();
        var isWildcard = end - start == 1 && pattern[start] == '*';
        int? index = int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        return new Segment(key, isWildcard, index);
    }

    private readonly record struct Segment(string Key, bool IsWildcard, int? Index);
}
