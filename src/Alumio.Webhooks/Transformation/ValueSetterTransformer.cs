using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Sets a key to a value (prototype <c>value-setter</c>): a literal, a placeholder template such as
/// <c>shipped &amp;{orderId}</c>, or a JSON object or array whose strings are templates. The key is a pattern path:
/// <c>a.b</c> sets a nested value and creates <c>a</c> when missing; a wildcard key such as <c>lines.*.status</c>
/// sets the value in every existing match.
/// </summary>
public sealed class ValueSetterTransformer : IEntityTransformer
{
    private readonly ItemPattern _key;
    private readonly JsonTemplate _value;

    /// <summary>Initializes a new instance of the <see cref="ValueSetterTransformer"/> class.</summary>
    /// <param name="key">The pattern path to set, such as <c>status</c> or <c>customer.name</c>.</param>
    /// <param name="value">The value; strings in it are placeholder templates.</param>
    /// <param name="configuration">Where <c>${NAME}</c> placeholders are looked up; environment variables when <see langword="null"/>.</param>
    /// <exception cref="FormatException">The key or a placeholder is invalid, or a <c>${NAME}</c> setting is not set.</exception>
    public ValueSetterTransformer(string key, JsonNode? value, IConfiguration? configuration = null)
        : this(key, value, ConfigurationValues.Resolver(configuration))
    {
    }

    internal ValueSetterTransformer(string key, JsonNode? value, ConfigurationValues.Resolve resolve)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = PathSyntax.Parse(key);
        _value = JsonTemplate.Parse(value, resolve, captures: true);
    }

    /// <summary>Gets the pattern path that is set.</summary>
    public string Key => _key.Text;

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var value = Transformers.Evaluate(_value, entity, context.Task.Captures, Key);
        var first = true;
        foreach (var location in EntityLocation.ForSet(_key, entity))
        {
            location.Set(first ? value : value?.DeepClone());
            first = false;
        }

        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }
}
