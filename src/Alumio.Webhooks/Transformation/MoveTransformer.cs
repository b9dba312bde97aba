using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Moves values to other keys (prototype <c>move</c>): as <see cref="CopyTransformer"/>, and the values are then
/// removed where they were. From <c>address_*</c>, To <c>address.$1</c> gathers the flat address fields in one
/// object (a capture is the whole key its wildcard key matched: <c>address.address_city</c>).
/// </summary>
public sealed class MoveTransformer : IEntityTransformer
{
    private readonly PatternCopy _copy;

    /// <summary>Initializes a new instance of the <see cref="MoveTransformer"/> class.</summary>
    /// <param name="from">The pattern path of the values.</param>
    /// <param name="to">The target path template, with <c>$n</c> captures.</param>
    /// <param name="configuration">Where <c>${NAME}</c> placeholders are looked up; environment variables when <see langword="null"/>.</param>
    /// <exception cref="FormatException">A pattern or the template is invalid, or the template uses a capture the pattern does not have.</exception>
    public MoveTransformer(string from, string to, IConfiguration? configuration = null)
        : this(from, to, ConfigurationValues.Resolver(configuration))
    {
    }

    internal MoveTransformer(string from, string to, ConfigurationValues.Resolve resolve)
    {
        _copy = new PatternCopy(from, to, move: true, resolve);
    }

    /// <summary>Gets the pattern path of the values.</summary>
    public string From => _copy.From.Text;

    /// <summary>Gets the target path template.</summary>
    public string To => _copy.To.Text;

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        _copy.Apply(entity);
        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }
}
