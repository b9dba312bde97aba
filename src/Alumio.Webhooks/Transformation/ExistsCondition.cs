using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>Holds when the entity has a value other than null at a key (prototype <c>exists</c>); with wildcards, at any match.</summary>
public sealed class ExistsCondition : IEntityCondition
{
    private readonly ItemPattern _key;

    /// <summary>Initializes a new instance of the <see cref="ExistsCondition"/> class.</summary>
    /// <param name="key">The pattern path, such as <c>trackingCode</c> or <c>lines.*.sku</c>.</param>
    /// <exception cref="FormatException">The key is invalid.</exception>
    public ExistsCondition(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = PathSyntax.Parse(key);
    }

    /// <summary>Gets the pattern path.</summary>
    public string Key => _key.Text;

    /// <inheritdoc />
    public bool IsMet(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return EntityLocation.Find(_key, entity).Exists(found => found.Location.Node is not null);
    }

    /// <inheritdoc />
    public string Describe() => $"{Key} exists";
}
