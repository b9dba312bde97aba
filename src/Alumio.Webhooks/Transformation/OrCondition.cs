using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>Holds when any of its conditions holds (prototype <c>or</c>); asks them in order and stops at the first that does.</summary>
public sealed class OrCondition : IEntityCondition
{
    /// <summary>Initializes a new instance of the <see cref="OrCondition"/> class.</summary>
    /// <param name="conditions">The conditions; at least one.</param>
    /// <exception cref="ArgumentException">No conditions are given.</exception>
    public OrCondition(IEnumerable<IEntityCondition> conditions)
    {
        Conditions = AndCondition.Read(conditions);
    }

    /// <summary>Gets the conditions.</summary>
    public IReadOnlyList<IEntityCondition> Conditions { get; }

    /// <inheritdoc />
    public bool IsMet(JsonNode entity) => Conditions.Any(condition => condition.IsMet(entity));

    /// <inheritdoc />
    public string Describe() => Conditions.Count == 1 ? Conditions[0].Describe() : "(" + string.Join(" or ", Conditions.Select(condition => condition.Describe())) + ")";
}
