using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>Holds when its condition does not (prototype <c>not</c>).</summary>
public sealed class NotCondition : IEntityCondition
{
    /// <summary>Initializes a new instance of the <see cref="NotCondition"/> class.</summary>
    /// <param name="condition">The condition to turn around.</param>
    public NotCondition(IEntityCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        Condition = condition;
    }

    /// <summary>Gets the condition turned around.</summary>
    public IEntityCondition Condition { get; }

    /// <inheritdoc />
    public bool IsMet(JsonNode entity) => !Condition.IsMet(entity);

    /// <inheritdoc />
    public string Describe()
    {
        var inner = Condition.Describe();
        return inner.StartsWith('(') ? "not " + inner : $"not ({inner})";
    }
}
