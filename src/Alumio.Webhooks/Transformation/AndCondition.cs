using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>Holds when every one of its conditions holds (prototype <c>and</c>); asks them in order and stops at the first that does not.</summary>
public sealed class AndCondition : IEntityCondition
{
    /// <summary>Initializes a new instance of the <see cref="AndCondition"/> class.</summary>
    /// <param name="conditions">The conditions; at least one.</param>
    /// <exception cref="ArgumentException">No conditions are given.</exception>
    public AndCondition(IEnumerable<IEntityCondition> conditions)
    {
        Conditions = Read(conditions);
    }

    /// <summary>Gets the conditions.</summary>
    public IReadOnlyList<IEntityCondition> Conditions { get; }

    /// <inheritdoc />
    public bool IsMet(JsonNode entity) => Conditions.All(condition => condition.IsMet(entity));

    /// <inheritdoc />
    public string Describe() => Conditions.Count == 1 ? Conditions[0].Describe() : "(" + string.Join(" and ", Conditions.Select(condition => condition.Describe())) + ")";

    internal static IEntityCondition[] Read(IEnumerable<IEntityCondition> conditions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        IEntityCondition[] list = [.. conditions];
        if (list.Length == 0)
        {
            throw new ArgumentException("At least one condition is required.", nameof(conditions));
        }

        if (Array.Exists(list, condition => condition is null))
        {
            throw new ArgumentException("A condition is null.", nameof(conditions));
        }

        return list;
    }
}
