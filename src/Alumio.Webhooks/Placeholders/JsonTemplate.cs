using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Placeholders;

/// <summary>
/// A JSON value whose strings are <see cref="PlaceholderTemplate"/>s, compiled once: the <c>Value</c> of a
/// value setter, the <c>Template</c> of a merger. Evaluating it builds a new value; strings that are exactly one
/// placeholder take the value's own kind.
/// </summary>
internal sealed class JsonTemplate
{
    private readonly Func<JsonNode, IReadOnlyList<string>, JsonNode?> _evaluate;

    private JsonTemplate(JsonNode? template, Func<JsonNode, IReadOnlyList<string>, JsonNode?> evaluate)
    {
        Template = template;
        _evaluate = evaluate;
    }

    /// <summary>Gets the template as written.</summary>
    public JsonNode? Template { get; }

    /// <param name="template">The template.</param>
    /// <param name="resolve">Where <c>${NAME}</c> is read.</param>
    /// <param name="captures">Whether <c>$n</c> inserts a capture of the task (the value setter, the merger); otherwise <c>$</c> is plain text.</param>
    /// <exception cref="FormatException">A string in the template is not a valid placeholder template; the message says where.</exception>
    public static JsonTemplate Parse(JsonNode? template, ConfigurationValues.Resolve resolve, bool captures = false)
    {
        var copy = template?.DeepClone();
        return new JsonTemplate(copy, Compile(copy, resolve, captures ? PlaceholderTemplate.TaskCaptures : null, string.Empty));
    }

    public JsonNode? Evaluate(JsonNode entity) => Evaluate(entity, []);

    /// <summary>Evaluates the template, with the task's captures for <c>$n</c>.</summary>
    public JsonNode? Evaluate(JsonNode entity, IReadOnlyList<string> captures)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _evaluate(entity, captures);
    }

    /// <summary>The template as compact JSON, for messages.</summary>
    public string Describe() => Transformation.JsonText.Write(Template);

    private static Func<JsonNode, IReadOnlyList<string>, JsonNode?> Compile(JsonNode? node, ConfigurationValues.Resolve resolve, int? captureCount, string where)
    {
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                PlaceholderTemplate template;
                try
                {
                    template = PlaceholderTemplate.Parse(value.GetValue<string>(), resolve, captureCount);
                }
                catch (FormatException exception) when (where.Length > 0)
                {
                    throw new FormatException($"At '{where}': {exception.Message}", exception);
                }

                if (!template.HasPlaceholders)
                {
                    // ${NAME} is filled in at compile time, so the text may differ from what was written.
                    var text = template.Render(value);
                    return (_, _) => JsonValue.Create(text);
                }

                return template.Evaluate;
            case JsonObject obj:
                var properties = obj.Select(property => (property.Key, Compile(property.Value, resolve, captureCount, Join(where, property.Key)))).ToArray();
                return (entity, captures) =>
                {
                    var result = new JsonObject();
                    foreach (var (key, compiled) in properties)
                    {
                        result[key] = compiled(entity, captures);
                    }

                    return result;
                };
            case JsonArray array:
                var elements = array.Select((element, index) => Compile(element, resolve, captureCount, Join(where, index.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
                return (entity, captures) => new JsonArray([.. elements.Select(compiled => compiled(entity, captures))]);
            case null:
                return (_, _) => null;
            default:
                return (_, _) => node.DeepClone();
        }
    }

    private static string Join(string where, string key) => where.Length == 0 ? key : where + "." + key;
}
