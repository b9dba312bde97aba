using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Keeps only the keys that match one of its patterns, and drops everything else (prototype <c>key-filter</c>).
/// A match keeps its whole value; the objects and arrays on the way to a match keep only what leads to a match:
/// <c>orderId</c> and <c>lines.*.sku</c> keep the order id and each line's SKU. Dropped array elements close up.
/// </summary>
public sealed class KeyFilterTransformer : IEntityTransformer
{
    private readonly ItemPattern[] _patterns;

    /// <summary>Initializes a new instance of the <see cref="KeyFilterTransformer"/> class.</summary>
    /// <param name="patterns">The pattern paths to keep; at least one.</param>
    /// <exception cref="FormatException">A pattern is invalid.</exception>
    /// <exception cref="ArgumentException">No patterns are given.</exception>
    public KeyFilterTransformer(IEnumerable<string> patterns)
    {
        _patterns = Transformers.ParsePatterns(patterns, nameof(patterns));
    }

    /// <summary>Gets the pattern paths that are kept.</summary>
    public IReadOnlyList<string> Patterns => [.. _patterns.Select(pattern => pattern.Text)];

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var kept = new HashSet<(JsonNode, string?, int)>(new PlaceComparer());
        foreach (var pattern in _patterns)
        {
            foreach (var (location, _) in EntityLocation.Find(pattern, entity))
            {
                kept.Add((location.Parent, location.Key, location.Index));
            }
        }

        Prune(entity, kept);
        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }

    /// <summary>Drops what is neither kept nor on the way to something kept; tells whether anything under the node is kept.</summary>
    private static bool Prune(JsonNode? node, HashSet<(JsonNode, string?, int)> kept)
    {
        var any = false;
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (kept.Contains((obj, key, -1)) || Prune(child, kept))
                    {
                        any = true;
                    }
                    else
                    {
                        obj.Remove(key);
                    }
                }

                break;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (kept.Contains((array, null, i)) || Prune(array[i], kept))
                    {
                        any = true;
                    }
                    else
                    {
                        array.RemoveAt(i);
                    }
                }

                break;
        }

        return any;
    }

    /// <summary>Places compare by the identity of their parent node, and by key or index.</summary>
    private sealed class PlaceComparer : IEqualityComparer<(JsonNode Parent, string? Key, int Index)>
    {
        public bool Equals((JsonNode Parent, string? Key, int Index) x, (JsonNode Parent, string? Key, int Index) y) =>
            ReferenceEquals(x.Parent, y.Parent) && string.Equals(x.Key, y.Key, StringComparison.Ordinal) && x.Index == y.Index;

        public int GetHashCode((JsonNode Parent, string? Key, int Index) obj) =>
            HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(obj.Parent), obj.Key, obj.Index);
    }
}
