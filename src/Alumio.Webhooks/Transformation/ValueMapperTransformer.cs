using System.Collections.Frozen;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Replaces the value at a key by looking it up in a dictionary (prototype <c>value-mapper</c>), such as carrier
/// names to carrier codes. Strings, numbers and booleans are looked up by their text, case-sensitively; a value
/// without a mapping becomes <see cref="Default"/>, or stays as it is when there is no default. Null and missing
/// keys are left alone; an object or array at the key fails the task. A wildcard key maps every match.
/// </summary>
public sealed class ValueMapperTransformer : IEntityTransformer
{
    private readonly ItemPattern _key;
    private readonly FrozenDictionary<string, string> _map;

    /// <summary>Initializes a new instance of the <see cref="ValueMapperTransformer"/> class.</summary>
    /// <param name="key">The pattern path of the value, such as <c>carrier</c> or <c>lines.*.unit</c>.</param>
    /// <param name="map">From values to the values that replace them.</param>
    /// <param name="defaultValue">What a value without a mapping becomes; <see langword="null"/> to keep it.</param>
    /// <exception cref="FormatException">The key is invalid.</exception>
    public ValueMapperTransformer(string key, IReadOnlyDictionary<string, string> map, string? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(map);
        _key = PathSyntax.Parse(key);
        _map = map.ToFrozenDictionary(StringComparer.Ordinal);
        Default = defaultValue;
    }

    /// <summary>Gets the pattern path of the value.</summary>
    public string Key => _key.Text;

    /// <summary>Gets the mapping.</summary>
    public IReadOnlyDictionary<string, string> Map => _map;

    /// <summary>Gets what a value without a mapping becomes; <see langword="null"/> when it is kept.</summary>
    public string? Default { get; }

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach (var (location, _) in EntityLocation.Find(_key, entity))
        {
            var node = location.Node;
            if (node is null)
            {
                continue;
            }

            if (!EntityLocation.TryGetText(node, out var text))
            {
                throw new TransformerException(
                    $"The value is {EntityLocation.Describe(node)}; only strings, numbers and booleans are mapped{(node is JsonArray ? $" (map its elements with the key '{location.Path}.*')" : string.Empty)}.",
                    location.Path);
            }

            if (_map.TryGetValue(text, out var mapped))
            {
                location.Set(JsonValue.Create(mapped));
            }
            else if (Default is not null)
            {
                location.Set(JsonValue.Create(Default));
            }
        }

        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }
}
