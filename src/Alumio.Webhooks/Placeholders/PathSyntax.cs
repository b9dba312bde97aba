using System.Text;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Placeholders;

/// <summary>
/// Reads the paths of placeholders and <c>Key</c> settings: an <see cref="ItemPattern"/>, where a key may also be
/// written in double quotes to hold dots, wildcards or braces as they are (<c>lines.0."product ID"</c>);
/// inside quotes <c>\"</c> is a quote and <c>\\</c> a backslash.
/// </summary>
internal static class PathSyntax
{
    /// <summary>Compiles a path.</summary>
    /// <exception cref="FormatException">The path is invalid.</exception>
    public static ItemPattern Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.Contains('"', StringComparison.Ordinal) ? ItemPattern.Parse(Unquote(path)) : ItemPattern.Parse(path);
    }

    /// <summary>Escapes a literal key so that a pattern reads it as one key, wildcards and dots included.</summary>
    public static string Escape(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.AsSpan().IndexOfAny(".*?[]\\") < 0)
        {
            return key;
        }

        var builder = new StringBuilder(key.Length + 4);
        foreach (var c in key)
        {
            if (c is '.' or '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Finds the end of a quoted key that opens at <paramref name="open"/>: the index of its closing quote, or -1.</summary>
    public static int FindClosingQuote(string text, int open)
    {
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }
            else if (text[i] == '"')
            {
                return i;
            }
        }

        return -1;
    }

    private static string Unquote(string path)
    {
        var builder = new StringBuilder(path.Length);
        var segmentStart = true;
        var i = 0;
        while (i < path.Length)
        {
            var c = path[i];
            if (segmentStart && c == '"')
            {
                var close = FindClosingQuote(path, i);
                if (close < 0)
                {
                    throw new FormatException($"The path '{path}' has a quote without its closing quote at position {i + 1}.");
                }

                if (close == i + 1)
                {
                    throw new FormatException($"The path '{path}' has an empty quoted key at position {i + 1}.");
                }

                for (var j = i + 1; j < close; j++)
                {
                    var k = path[j];
                    if (k == '\\' && j + 1 < close)
                    {
                        j++;
                        k = path[j];
                    }

                    builder.Append(Escape(k.ToString()));
                }

                i = close + 1;
                if (i < path.Length && path[i] != '.')
                {
                    throw new FormatException($"The path '{path}' has '{path[i]}' after a quoted key at position {i + 1}; a quoted key ends at a dot or the end.");
                }

                segmentStart = false;
                continue;
            }

            if (c == '\\' && i + 1 < path.Length)
            {
                builder.Append(c).Append(path[i + 1]);
                i += 2;
                segmentStart = false;
                continue;
            }

            builder.Append(c);
            segmentStart = c == '.';
            i++;
        }

        return builder.ToString();
    }
}
