using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Placeholders;

/// <summary>
/// A JSON value whose strings are <see cref="PlaceholderTemplate"/>s, compiled once: the <c>Value</c> of a
/// value setter, the <c>Template</c> of a merger. Evaluating it builds a new value; strings that are exactly one
/// placeholder take the value's own kind.
/// </summary>
internal sealed class JsonTemplate
{
    private readonly Func<JsonNode, JsonNode?> _evaluate;

    private JsonTemplate(JsonNode? template, Func<JsonNode, JsonNode?> evaluate)
    {
        Template = template;
        _evaluate = evaluate;
    }

    /// <summary>Gets the template as written.</summary>
    public JsonNode? Template { get; }

    /// <exception cref="FormatException">A string in the template is not a valid placeholder template; the message says where.</exception>
    public static JsonTemplate Parse(JsonNode? template, ConfigurationValues.Resolve resolve)
    {
        var copy = template?.DeepClone();
        return new JsonTemplate(copy, Compile(copy, resolve, string.Empty));
    }

    public JsonNode? Evaluate(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _evaluate(entity);
    }

    /// <summary>The template as compact JSON, for messages.</summary>
    public string Describe() => Transformation.JsonText.Write(Template);

    private static Func<JsonNode, JsonNode?> Compile(JsonNode? node, ConfigurationValues.Resolve resolve, string where)
    {
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == System.Text.Json.JsonValueKind.String:
                PlaceholderTemplate template;
                try
                {
                    template = PlaceholderTemplate.Parse(value.GetValue<string>(), resolve, captureCount: null);
                }
                catch (FormatException exception) when (where.Length > 0)
                {
                    throw new FormatException($"At '{where}': {exception.Message}", exception);
                }

                if (!template.HasPlaceholders)
                {
                    // ${NAME} is filled in at compile time, so the text may differ from what was written.
                    var text = template.Render(value);
                    return _ => JsonValue.Create(text);
                }

                return entity => template.Evaluate(entity);
            case JsonObject obj:
                var properties = obj.Select(property => (property.Key, Compile(property.Value, resolve, Join(where, property.Key)))).ToArray();
                return entity =>
                {
                    var result = new JsonObject();
                    foreach (var (key, compiled) in properties)
                    {
                        result[key] = compiled(entity);
                    }

                    return result;
                };
            case JsonArray array:
                var elements = array.Select((element, index) => Compile(element, resolve, Join(where, index.ToString(System.Globalization.CultureInfo.InvariantCulture)))).ToArray();
                return entity => new JsonArray([.. elements.Select(compiled => compiled(entity))]);
            case null:
                return _ => null;
            default:
                return _ => node.DeepClone();
        }
    }

    private static string Join(string where, string key) => where.Length == 0 ? key : where + "." + key;
}
