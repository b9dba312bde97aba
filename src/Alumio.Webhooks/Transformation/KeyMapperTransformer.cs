using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Renames keys (prototype <c>key-mapper</c>): each entry maps a pattern path to a new name for the key it lands on,
/// which stays in the same object and at the same position. <c>trackingCode</c> → <c>tracking_code</c> renames a
/// top-level key; <c>lines.*.sku</c> → <c>code</c> renames the key in every line. A key that is not there is
/// left alone; a key renamed onto an existing one replaces it. Entries apply one after the other.
/// </summary>
public sealed class KeyMapperTransformer : IEntityTransformer
{
    private readonly (ItemPattern From, string To)[] _map;

    /// <summary>Initializes a new instance of the <see cref="KeyMapperTransformer"/> class.</summary>
    /// <param name="map">From pattern paths to new key names; at least one entry.</param>
    /// <exception cref="FormatException">A pattern path is invalid.</exception>
    /// <exception cref="ArgumentException">The map is empty or a new name is empty.</exception>
    public KeyMapperTransformer(IReadOnlyDictionary<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (map.Count == 0)
        {
            throw new ArgumentException("At least one key to rename is required.", nameof(map));
        }

        _map = [.. map.Select(entry => (PathSyntax.Parse(entry.Key), string.IsNullOrEmpty(entry.Value)
            ? throw new ArgumentException($"The new name of '{entry.Key}' is empty.", nameof(map))
            : entry.Value))];
        Map = map.ToDictionary(StringComparer.Ordinal);
    }

    /// <summary>Gets the renames: pattern paths to new key names.</summary>
    public IReadOnlyDictionary<string, string> Map { get; }

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach (var (from, to) in _map)
        {
            foreach (var (location, _) in EntityLocation.Find(from, entity))
            {
                if (location.Parent is JsonObject parent && location.Key is { } key && !string.Equals(key, to, StringComparison.Ordinal))
                {
                    Rename(parent, key, to);
                }
            }
        }

        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }

    private static void Rename(JsonObject parent, string key, string to)
    {
        var index = parent.IndexOf(key);
        if (index < 0)
        {
            return;
        }

        var existing = parent.IndexOf(to);
        if (existing >= 0)
        {
            parent.RemoveAt(existing);
            if (existing < index)
            {
                index--;
            }
        }

        // SetAt detaches the old value, which then takes the renamed key at the same position.
        var value = parent.GetAt(index).Value;
        parent.SetAt(index, to, null);
        parent[to] = value;
    }
}
