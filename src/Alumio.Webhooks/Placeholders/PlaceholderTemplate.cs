using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Splitting;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Placeholders;

/// <summary>
/// A string with Alumio placeholders, compiled once:
/// <list type="bullet">
/// <item><c>&amp;{path}</c> the value at a pattern path of the entity (<c>&amp;{customer.name}</c>, <c>&amp;{lines.0.sku}</c>); a key
/// with dots, wildcards or braces is quoted: <c>&amp;{"product ID"}</c>. A missing value is an error.</item>
/// <item><c>?{path}</c> the same, but a missing value (or null) gives <see langword="null"/> on its own and nothing inside text.</item>
/// <item><c>&amp;{@}</c> the whole entity.</item>
/// <item><c>${NAME}</c> a configuration value, read once when the template is compiled; a setting that is not set is an error then.</item>
/// <item><c>$1</c>, <c>$2</c>, ... what the wildcard keys of a pattern matched: in <c>copy</c> and <c>move</c> their own
/// pattern's; in <c>value-setter</c>, <c>merger</c> and the <c>http</c> outgoing's URL and headers the task's
/// <see cref="Tasks.WebhookTask.Captures"/> (the incoming's pattern to items, then any brancher's), where a capture the
/// task does not have is an error, and <c>$$</c> is a plain <c>$</c>. Elsewhere (and through
/// <see cref="Parse(string, IConfiguration?)"/>) <c>$</c> is plain text.</item>
/// </list>
/// A template that is exactly one placeholder gives the value itself (<see cref="Evaluate(JsonNode)"/>: numbers stay
/// numbers, objects stay objects; a path with wildcards gives an array of every match); a template that mixes text and
/// placeholders gives a string, and then every placeholder must be a string, number or boolean.
/// </summary>
public sealed class PlaceholderTemplate
{
    private readonly Part[] _parts;

    private PlaceholderTemplate(string text, Part[] parts)
    {
        Text = text;
        _parts = parts;
        HasPlaceholders = parts.Any(part => part.Kind != PartKind.Literal);
        IsSinglePlaceholder = parts.Length == 1 && parts[0].Kind != PartKind.Literal;
    }

    /// <summary>Gets the template as written; configuration values are not filled in here, so it is safe to show.</summary>
    public string Text { get; }

    /// <summary>Gets a value indicating whether the template takes anything from the entity or a pattern's captures.</summary>
    public bool HasPlaceholders { get; }

    /// <summary>Gets a value indicating whether the template is exactly one entity placeholder or capture, so it gives a value of any kind.</summary>
    public bool IsSinglePlaceholder { get; }

    /// <summary>Compiles a template.</summary>
    /// <param name="text">The template.</param>
    /// <param name="configuration">
    /// Where <c>${NAME}</c> is looked up (<c>configuration["NAME"]</c>, so <c>${Erp:Token}</c> reads a nested key);
    /// environment variables when <see langword="null"/>.
    /// </param>
    /// <returns>The compiled template.</returns>
    /// <exception cref="FormatException">A placeholder is unclosed, empty or holds an invalid path, or <c>${NAME}</c> names a setting that is not set.</exception>
    public static PlaceholderTemplate Parse(string text, IConfiguration? configuration = null) =>
        Parse(text, ConfigurationValues.Resolver(configuration), captureCount: null);

    /// <summary>
    /// The capture count that enables <c>$n</c> for a task's captures, which are known only when the task runs: any
    /// number parses, and one the task does not have fails the rendering.
    /// </summary>
    internal const int TaskCaptures = int.MaxValue;

    /// <summary>Compiles a template; <paramref name="captureCount"/> enables <c>$n</c> up to that number (<see cref="TaskCaptures"/>: checked when rendered).</summary>
    internal static PlaceholderTemplate Parse(string text, ConfigurationValues.Resolve resolve, int? captureCount)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<Part>();
        var literal = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if ((c == '&' || c == '?') && next == '{')
            {
                var close = FindClose(text, i);
                var path = text[(i + 2)..close];
                FlushLiteral(parts, literal);
                parts.Add(CreateValuePart(text[i..(close + 1)], path, optional: c == '?', i));
                i = close + 1;
            }
            else if (c == '$' && next == '{')
            {
                var close = text.IndexOf('}', i + 2);
                if (close < 0)
                {
                    throw new FormatException($"The placeholder at position {i + 1} is not closed with '}}'.");
                }

                var name = text[(i + 2)..close].Trim();
                if (name.Length == 0)
                {
                    throw new FormatException($"The placeholder at position {i + 1} names no setting.");
                }

                literal.Append(resolve.Lookup(name) ?? throw new FormatException($"The setting ${{{name}}} is not set{resolve.Where}."));
                i = close + 1;
            }
            else if (c == '$' && next == '$' && captureCount == TaskCaptures)
            {
                literal.Append('$');
                i += 2;
            }
            else if (c == '$' && captureCount is { } count && char.IsAsciiDigit(next))
            {
                var end = i + 1;
                while (end < text.Length && char.IsAsciiDigit(text[end]))
                {
                    end++;
                }

                var number = int.TryParse(text.AsSpan(i + 1, end - i - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : int.MaxValue;
                if (count == TaskCaptures && number < 1)
                {
                    throw new FormatException($"The capture {text[i..end]} at position {i + 1} does not exist: captures are numbered from $1 (write $$ for a plain $).");
                }

                if (number < 1 || number > count)
                {
                    throw new FormatException(count == 0
                        ? $"The capture {text[i..end]} at position {i + 1} has nothing to refer to: the pattern has no wildcard keys."
                        : $"The capture {text[i..end]} at position {i + 1} is out of range: the pattern has {count} wildcard key{(count == 1 ? string.Empty : "s")}, so $1 to ${count}.");
                }

                FlushLiteral(parts, literal);
                parts.Add(new Part(PartKind.Capture, text[i..end], null, false, number));
                i = end;
            }
            else
            {
                literal.Append(c);
                i++;
            }
        }

        FlushLiteral(parts, literal);
        return new PlaceholderTemplate(text, [.. parts]);
    }

    /// <summary>Renders the template as text.</summary>
    /// <param name="entity">The entity that supplies the values.</param>
    /// <param name="encode">Applied to each inserted value, for example URL escaping.</param>
    /// <returns>The text.</returns>
    /// <exception cref="PlaceholderException">A value is missing, null, or an object or array.</exception>
    public string Render(JsonNode entity, Func<string, string>? encode = null) => Render(entity, [], encode);

    /// <summary>
    /// Evaluates the template: a template that is exactly one placeholder gives that value as it is (a copy), or
    /// <see langword="null"/> for a missing <c>?{path}</c>; any other template gives its text as a JSON string.
    /// </summary>
    /// <param name="entity">The entity that supplies the values.</param>
    /// <returns>The value, detached from the entity.</returns>
    /// <exception cref="PlaceholderException">A value is missing, or not of a kind text can hold.</exception>
    public JsonNode? Evaluate(JsonNode entity) => Evaluate(entity, []);

    /// <inheritdoc />
    public override string ToString() => Text;

    internal JsonNode? Evaluate(JsonNode entity, IReadOnlyList<string> captures)
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!IsSinglePlaceholder)
        {
            return JsonValue.Create(Render(entity, captures, null));
        }

        var part = _parts[0];
        if (part.Kind == PartKind.Capture)
        {
            return JsonValue.Create(Capture(part, captures));
        }

        if (part.Path is null)
        {
            return entity.DeepClone();
        }

        if (part.Path.CaptureCount > 0)
        {
            return new JsonArray([.. part.Path.Match(entity).Select(node => node?.DeepClone())]);
        }

        var match = part.Path.Matches(entity).FirstOrDefault();
        if (match is null && !part.Optional)
        {
            throw Missing(part);
        }

        return match?.Node?.DeepClone();
    }

    internal string Render(JsonNode entity, IReadOnlyList<string> captures, Func<string, string>? encode)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var result = new StringBuilder();
        foreach (var part in _parts)
        {
            var value = part.Kind switch
            {
                PartKind.Literal => null,
                PartKind.Capture => Capture(part, captures),
                _ => ValueText(entity, part),
            };
            if (value is null)
            {
                result.Append(part.Text);
            }
            else
            {
                result.Append(encode is null ? value : encode(value));
            }
        }

        return result.ToString();
    }

    private static string ValueText(JsonNode entity, Part part)
    {
        if (part.Path is null)
        {
            return entity is JsonValue whole ? ToText(whole, part) : throw NotAValue(part, entity);
        }

        if (part.Path.CaptureCount > 0)
        {
            throw new PlaceholderException($"The placeholder {part.Text} has a wildcard and gives a list of values, which text cannot hold; use it as the whole value instead.");
        }

        var match = part.Path.Matches(entity).FirstOrDefault();
        return match?.Node switch
        {
            null when part.Optional => string.Empty,
            null when match is null => throw Missing(part),
            null => throw new PlaceholderException($"The placeholder {part.Text} is null in the entity; write ?{part.Text[1..]} to insert nothing instead."),
            JsonValue value => ToText(value, part),
            var other => throw NotAValue(part, other),
        };
    }

    private static string ToText(JsonValue value, Part part)
    {
        var kind = value.GetValueKind();
        return kind switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => value.ToJsonString(),
            JsonValueKind.Null when part.Optional => string.Empty,
            _ => throw new PlaceholderException(string.Create(CultureInfo.InvariantCulture, $"The placeholder {part.Text} has no usable value ({kind}).")),
        };
    }

    private static string Capture(Part part, IReadOnlyList<string> captures) =>
        part.Capture <= captures.Count
            ? captures[part.Capture - 1]
            : throw new PlaceholderException(captures.Count == 0
                ? $"The capture {part.Text} has no value: the task has no captures (its pattern to items and branchers have no wildcard keys)."
                : string.Create(CultureInfo.InvariantCulture, $"The capture {part.Text} has no value: the task has {captures.Count} capture{(captures.Count == 1 ? string.Empty : "s")}, so $1 to ${captures.Count}."));

    private static PlaceholderException Missing(Part part) =>
        new($"The placeholder {part.Text} has no value in the entity.");

    private static PlaceholderException NotAValue(Part part, JsonNode node) =>
        new($"The placeholder {part.Text} points at an {(node is JsonArray ? "array" : "object")}, not a value; text can only hold strings, numbers and booleans.");

    /// <summary>Finds the '}' that closes the placeholder opening at <paramref name="open"/>, stepping over quoted keys.</summary>
    private static int FindClose(string text, int open)
    {
        for (var i = open + 2; i < text.Length; i++)
        {
            if (text[i] == '"' && (i == open + 2 || text[i - 1] == '.'))
            {
                var quote = PathSyntax.FindClosingQuote(text, i);
                if (quote < 0)
                {
                    break;
                }

                i = quote;
            }
            else if (text[i] == '}')
            {
                return i;
            }
        }

        throw new FormatException($"The placeholder at position {open + 1} is not closed with '}}'.");
    }

    private static Part CreateValuePart(string text, string path, bool optional, int position)
    {
        if (path.Length == 0)
        {
            throw new FormatException($"The placeholder at position {position + 1} is empty.");
        }

        if (path == "@")
        {
            return new Part(PartKind.Value, text, null, optional, 0);
        }

        try
        {
            return new Part(PartKind.Value, text, PathSyntax.Parse(path), optional, 0);
        }
        catch (FormatException exception)
        {
            throw new FormatException($"The placeholder at position {position + 1} is invalid: {exception.Message}", exception);
        }
    }

    private static void FlushLiteral(List<Part> parts, StringBuilder literal)
    {
        if (literal.Length > 0)
        {
            parts.Add(new Part(PartKind.Literal, literal.ToString(), null, false, 0));
            literal.Clear();
        }
    }

    private enum PartKind
    {
        Literal,
        Value,
        Capture,
    }

    /// <summary>One piece of a template: literal text, an entity value (<see cref="Path"/> null for <c>@</c>), or a capture.</summary>
    private sealed record Part(PartKind Kind, string Text, ItemPattern? Path, bool Optional, int Capture);
}
