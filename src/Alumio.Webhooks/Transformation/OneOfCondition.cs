using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Holds when the value at a key equals one of several values (prototype <c>one-of</c>), compared as
/// <see cref="EqualsCondition"/> does. A missing key holds none of them.
/// </summary>
public sealed class OneOfCondition : IEntityCondition
{
    private readonly ItemPattern _key;
    private readonly JsonValue[] _values;

    /// <summary>Initializes a new instance of the <see cref="OneOfCondition"/> class.</summary>
    /// <param name="key">The pattern path of the value.</param>
    /// <param name="values">The accepted values; at least one.</param>
    /// <exception cref="FormatException">The key is invalid.</exception>
    /// <exception cref="ArgumentException">No values are given.</exception>
    public OneOfCondition(string key, IEnumerable<string> values)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(values);
        _key = PathSyntax.Parse(key);
        Values = [.. values];
        if (Values.Count == 0)
        {
            throw new ArgumentException("At least one value is required.", nameof(values));
        }

        _values = [.. Values.Select(value => JsonValue.Create(value))];
    }

    /// <summary>Gets the pattern path of the value.</summary>
    public string Key => _key.Text;

    /// <summary>Gets the accepted values.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <inheritdoc />
    public bool IsMet(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return EntityLocation.Find(_key, entity).Exists(found => Array.Exists(_values, value => EqualsCondition.ValuesEqual(found.Location.Node, value)));
    }

    /// <inheritdoc />
    public string Describe() => $"{Key} is one of {JsonText.List(Values)}";
}
