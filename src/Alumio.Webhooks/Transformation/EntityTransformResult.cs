using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Transformation;

/// <summary>The outcome of an <see cref="IEntityTransformer"/>: the next entity, or a reason to skip the task.</summary>
public readonly struct EntityTransformResult : IEquatable<EntityTransformResult>
{
    private EntityTransformResult(JsonNode? entity, string? skipReason)
    {
        Entity = entity;
        SkipReason = skipReason;
    }

    /// <summary>Gets the transformed entity; <see langword="null"/> when the task is skipped.</summary>
    public JsonNode? Entity { get; }

    /// <summary>Gets why the task is skipped; <see langword="null"/> when it goes on.</summary>
    public string? SkipReason { get; }

    /// <summary>Gets a value indicating whether the task is skipped.</summary>
    [MemberNotNullWhen(true, nameof(SkipReason))]
    [MemberNotNullWhen(false, nameof(Entity))]
    public bool IsSkipped => SkipReason is not null;

    /// <summary>Continues with an entity.</summary>
    /// <param name="entity">The transformed entity.</param>
    /// <returns>The result.</returns>
    public static EntityTransformResult Continue(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return new EntityTransformResult(entity, null);
    }

    /// <summary>Ends the task as <c>Skipped</c>.</summary>
    /// <param name="reason">Why, as shown on the task.</param>
    /// <returns>The result.</returns>
    public static EntityTransformResult Skip(string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(reason);
        return new EntityTransformResult(null, reason);
    }

    /// <summary>Continues with an entity.</summary>
    /// <param name="entity">The transformed entity.</param>
    public static implicit operator EntityTransformResult(JsonNode entity) => Continue(entity);

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether both hold the same node and reason.</returns>
    public static bool operator ==(EntityTransformResult left, EntityTransformResult right) => left.Equals(right);

    /// <summary>Compares two results.</summary>
    /// <param name="left">The first result.</param>
    /// <param name="right">The second result.</param>
    /// <returns>Whether they differ.</returns>
    public static bool operator !=(EntityTransformResult left, EntityTransformResult right) => !left.Equals(right);

    /// <summary>Continues with an entity.</summary>
    /// <param name="entity">The transformed entity.</param>
    /// <returns>The result.</returns>
    public static EntityTransformResult FromJsonNode(JsonNode entity) => Continue(entity);

    /// <inheritdoc />
    public bool Equals(EntityTransformResult other) => ReferenceEquals(Entity, other.Entity) && SkipReason == other.SkipReason;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EntityTransformResult other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Entity, SkipReason);
}
