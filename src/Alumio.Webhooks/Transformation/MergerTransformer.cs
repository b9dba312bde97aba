using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Builds a new entity from a JSON template (prototype <c>merger</c>): strings in the template are placeholder
/// templates filled from the entity, so <c>{ "order": "&amp;{orderId}", "code": "&amp;{trackingCode}" }</c> turns a
/// shipment into a tracking update. A string that is exactly one placeholder takes the value's own kind (a number,
/// an object, an array); <c>&amp;{@}</c> is the whole entity, to wrap it.
/// </summary>
public sealed class MergerTransformer : IEntityTransformer
{
    private readonly JsonTemplate _template;

    /// <summary>Initializes a new instance of the <see cref="MergerTransformer"/> class.</summary>
    /// <param name="template">The template of the new entity.</param>
    /// <param name="configuration">Where <c>${NAME}</c> placeholders are looked up; environment variables when <see langword="null"/>.</param>
    /// <exception cref="FormatException">A placeholder is invalid, or a <c>${NAME}</c> setting is not set.</exception>
    public MergerTransformer(JsonNode template, IConfiguration? configuration = null)
        : this(template, ConfigurationValues.Resolver(configuration))
    {
    }

    internal MergerTransformer(JsonNode template, ConfigurationValues.Resolve resolve)
    {
        ArgumentNullException.ThrowIfNull(template);
        _template = JsonTemplate.Parse(template, resolve, captures: true);
    }

    /// <summary>Gets a copy of the template.</summary>
    public JsonNode Template => _template.Template!.DeepClone();

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var result = Transformers.Evaluate(_template, entity, context.Task.Captures, null)
            ?? throw new TransformerException("The template gave null, and an entity cannot be null.", null);
        return ValueTask.FromResult(EntityTransformResult.Continue(result));
    }
}
