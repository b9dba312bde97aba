using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Alumio.Webhooks.Splitting;

/// <summary>
/// A compiled Alumio pattern such as <c>shipments.shipment</c>, <c>data.*</c>, <c>items.0</c> or
/// <c>orders.order_[0-9]?</c>: dot-separated keys, where within a key <c>*</c> matches any run of
/// characters, <c>?</c> one character and <c>[abc]</c>, <c>[a-z]</c> or <c>[!abc]</c> one character of
/// a class; a number is also an array index; <c>\</c> escapes the next character (<c>\.</c> is a dot
/// inside a key).
/// </summary>
/// <remarks>
/// Every key that holds a wildcard captures what it matched; the captures are numbered from 1 in
/// pattern order, like <c>$1</c> in Alumio.
/// </remarks>
public sealed class ItemPattern
{
    private readonly Segment[] _segments;

    private ItemPattern(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        CaptureCount = segments.Count(segment => segment.Kind != SegmentKind.Literal);
    }

    /// <summary>Gets the pattern as written.</summary>
    public string Text { get; }

    /// <summary>Gets how many keys the pattern has.</summary>
    public int Length => _segments.Length;

    /// <summary>Gets how many captures each match has: one per key with a wildcard.</summary>
    public int CaptureCount { get; }

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
        var literal = new StringBuilder();
        var regex = new StringBuilder();
        var hasWildcard = false;
        var segmentStart = 0;
        var i = 0;
        while (i <= pattern.Length)
        {
            if (i == pattern.Length || pattern[i] == '.')
            {
                if (i == segmentStart)
                {
                    throw new FormatException($"The pattern '{pattern}' has an empty key at position {i + 1}.");
                }

                segments.Add(CreateSegment(pattern, segmentStart, i, literal.ToString(), hasWildcard ? regex.ToString() : null));
                literal.Clear();
                regex.Clear();
                hasWildcard = false;
                segmentStart = i + 1;
                i++;
                continue;
            }

            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    if (i + 1 == pattern.Length)
                    {
                        throw new FormatException($"The pattern '{pattern}' ends with a lone '\\' at position {i + 1}.");
                    }

                    literal.Append(pattern[i + 1]);
                    regex.Append(Regex.Escape(pattern[i + 1].ToString()));
                    i += 2;
                    continue;
                case '*':
                    hasWildcard = true;
                    regex.Append(".*");
                    break;
                case '?':
                    hasWildcard = true;
                    regex.Append('.');
                    break;
                case '[':
                    hasWildcard = true;
                    i = AppendClass(pattern, i, regex);
                    break;
                case ']':
                    throw new FormatException($"The pattern '{pattern}' has a ']' without '[' at position {i + 1}.");
                default:
                    literal.Append(c);
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }

            i++;
        }

        return new ItemPattern(pattern, [.. segments]);
    }

    /// <summary>Finds every node the pattern lands on, in document order.</summary>
    /// <param name="document">The document to search.</param>
    /// <returns>The matched nodes; arrays are returned as they are, not expanded.</returns>
    public IEnumerable<JsonNode?> Match(JsonNode? document) => Matches(document).Select(match => match.Node);

    /// <summary>Finds every node the pattern lands on, in document order, with what each wildcard key matched.</summary>
    /// <param name="document">The document to search.</param>
    /// <returns>The matches.</returns>
    public IEnumerable<PatternMatch> Matches(JsonNode? document) => Walk(document, 0, []);

    /// <summary>Tells whether an object key matches the key of the pattern at an index.</summary>
    /// <param name="segment">The index of the key in the pattern.</param>
    /// <param name="key">An object key.</param>
    /// <returns>Whether the key matches.</returns>
    public bool MatchesKey(int segment, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var s = _segments[segment];
        return s.Kind switch
        {
            SegmentKind.Any => true,
            SegmentKind.Literal => string.Equals(s.Key, key, StringComparison.Ordinal),
            _ => s.Regex!.IsMatch(key),
        };
    }

    /// <summary>Tells whether an array index matches the key of the pattern at an index.</summary>
    /// <param name="segment">The index of the key in the pattern.</param>
    /// <param name="index">A 0-based array index.</param>
    /// <returns>Whether the index matches.</returns>
    public bool MatchesIndex(int segment, int index)
    {
        var s = _segments[segment];
        return s.Kind switch
        {
            SegmentKind.Any => true,
            SegmentKind.Literal => s.Index == index,
            _ => s.Regex!.IsMatch(index.ToString(CultureInfo.InvariantCulture)),
        };
    }

    /// <summary>Gets the literal key at an index of the pattern, or <see langword="null"/> when it has a wildcard.</summary>
    /// <param name="segment">The index of the key in the pattern.</param>
    /// <returns>The literal key.</returns>
    public string? LiteralAt(int segment) => _segments[segment].Kind == SegmentKind.Literal ? _segments[segment].Key : null;

    /// <summary>Tells whether the key at an index of the pattern captures what it matches.</summary>
    /// <param name="segment">The index of the key in the pattern.</param>
    /// <returns>Whether it has a wildcard.</returns>
    public bool CapturesAt(int segment) => _segments[segment].Kind != SegmentKind.Literal;

    /// <summary>Picks the captures out of what each key of the pattern matched on a path: the values at keys with a wildcard, in order.</summary>
    /// <param name="matched">What each key matched, by index of the key; at least <see cref="Length"/> long where keys capture.</param>
    /// <returns>The captures, <see cref="CaptureCount"/> of them.</returns>
    internal string[] CapturesOf(IReadOnlyList<string?> matched)
    {
        var captures = new string[CaptureCount];
        var next = 0;
        for (var segment = 0; segment < _segments.Length && next < captures.Length; segment++)
        {
            if (CapturesAt(segment))
            {
                captures[next++] = matched[segment] ?? string.Empty;
            }
        }

        return captures;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private IEnumerable<PatternMatch> Walk(JsonNode? node, int depth, string[] captures)
    {
        if (depth == _segments.Length)
        {
            yield return new PatternMatch(node, captures);
            yield break;
        }

        var captures2 = CapturesAt(depth);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (MatchesKey(depth, key))
                    {
                        foreach (var match in Walk(value, depth + 1, captures2 ? [.. captures, key] : captures))
                        {
                            yield return match;
                        }
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (MatchesIndex(depth, i))
                    {
                        foreach (var match in Walk(array[i], depth + 1, captures2 ? [.. captures, i.ToString(CultureInfo.InvariantCulture)] : captures))
                        {
                            yield return match;
                        }
                    }
                }

                break;
        }
    }

    private static int AppendClass(string pattern, int open, StringBuilder regex)
    {
        var i = open + 1;
        regex.Append('[');
        if (i < pattern.Length && pattern[i] == '!')
        {
            regex.Append('^');
            i++;
        }

        var first = i;
        for (; i < pattern.Length && pattern[i] != ']'; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                i++;
                c = pattern[i];
            }
            else if (c == '-' && i > first && i + 1 < pattern.Length && pattern[i + 1] != ']')
            {
                regex.Append('-');
                continue;
            }

            regex.Append(c is '\\' or ']' or '[' or '^' or '-' ? "\\" + c : c.ToString());
        }

        if (i == pattern.Length)
        {
            throw new FormatException($"The pattern '{pattern}' has a '[' without ']' at position {open + 1}.");
        }

        if (i == first)
        {
            throw new FormatException($"The pattern '{pattern}' has an empty class '[]' at position {open + 1}.");
        }

        regex.Append(']');
        return i;
    }

    private static Segment CreateSegment(string pattern, int start, int end, string literal, string? regex)
    {
        if (regex is null)
        {
            int? index = int.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
            return new Segment(SegmentKind.Literal, literal, index, null);
        }

        if (end - start == 1 && pattern[start] == '*')
        {
            return new Segment(SegmentKind.Any, "*", null, null);
        }

        try
        {
            // Non-backtracking: matching takes time linear in the key, whatever a hostile body puts there.
            return new Segment(SegmentKind.Glob, pattern[start..end], null, new Regex("^(?:" + regex + ")$", RegexOptions.CultureInvariant | RegexOptions.Singleline | RegexOptions.NonBacktracking));
        }
        catch (ArgumentException exception)
        {
            throw new FormatException($"The pattern '{pattern}' has an invalid key '{pattern[start..end]}' at position {start + 1}: {exception.Message}", exception);
        }
    }

    private enum SegmentKind
    {
        Literal,
        Any,
        Glob,
    }

    private sealed record Segment(SegmentKind Kind, string Key, int? Index, Regex? Regex);
}
