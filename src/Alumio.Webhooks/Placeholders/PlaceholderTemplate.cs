using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Placeholders;

/// <summary>
/// A string with Alumio placeholders: <c>&amp;{path}</c> inserts the value at a pattern path of the entity.
/// Compiled once; rendering fails with <see cref="PlaceholderException"/> when a value is missing or not a scalar.
/// </summary>
internal sealed class PlaceholderTemplate
{
    private readonly Part[] _parts;

    private PlaceholderTemplate(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
    }

    public string Text { get; }

    public bool HasPlaceholders => _parts.Any(part => part.Path is not null);

    /// <summary>Compiles a template.</summary>
    /// <exception cref="FormatException">A placeholder is unclosed, empty or holds an invalid pattern.</exception>
    public static PlaceholderTemplate Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '&' && i + 1 < text.Length && text[i + 1] == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new FormatException($"The placeholder at position {i + 1} is not closed with '}}'.");
                }

                var path = text[(i + 2)..close];
                if (path.Length == 0)
                {
                    throw new FormatException($"The placeholder at position {i + 1} is empty.");
                }

                ItemPattern pattern;
                try
                {
                    pattern = ItemPattern.Parse(path);
                }
                catch (FormatException exception)
                {
                    throw new FormatException($"The placeholder at position {i + 1} is invalid: {exception.Message}", exception);
                }

                if (literal.Length > 0)
                {
                    parts.Add(new Part(literal.ToString(), null));
                    literal.Clear();
                }

                parts.Add(new Part(text[i..(close + 1)], pattern));
                i = close + 1;
            }
            else
            {
                literal.Append(text[i]);
                i++;
            }
        }

        if (literal.Length > 0)
        {
            parts.Add(new Part(literal.ToString(), null));
        }

        return new PlaceholderTemplate(text, [.. parts]);
    }

    /// <summary>Renders the template against an entity.</summary>
    /// <param name="entity">The entity that supplies the values.</param>
    /// <param name="encode">Applied to each inserted value, for example URL escaping.</param>
    public string Render(JsonNode entity, Func<string, string>? encode = null)
    {
        var result = new StringBuilder();
        foreach (var part in _parts)
        {
            if (part.Path is null)
            {
                result.Append(part.Text);
                continue;
            }

            var match = part.Path.Match(entity).FirstOrDefault();
            var value = match switch
            {
                null => throw new PlaceholderException($"The placeholder {part.Text} has no value in the entity."),
                JsonValue scalar => ToText(scalar, part.Text),
                _ => throw new PlaceholderException($"The placeholder {part.Text} points at an {(match is JsonArray ? "array" : "object")}, not a value."),
            };
            result.Append(encode is null ? value : encode(value));
        }

        return result.ToString();
    }

    private static string ToText(JsonValue value, string placeholder)
    {
        var element = value.GetValueKind();
        return element switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            _ => throw new PlaceholderException(string.Create(CultureInfo.InvariantCulture, $"The placeholder {placeholder} has no usable value ({element}).")),
        };
    }

    private readonly record struct Part(string Text, ItemPattern? Path);
}
