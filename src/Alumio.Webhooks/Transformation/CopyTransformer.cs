using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Copies values to other keys (prototype <c>copy</c>). <c>From</c> is a pattern path whose wildcard keys capture the
/// key (or array index) they matched; <c>To</c> is a placeholder template of the target path, where <c>$1</c>,
/// <c>$2</c>, ... are those captures in pattern order: From <c>customer.*</c>, To <c>buyer.$1</c> copies every field
/// of <c>customer</c> into <c>buyer</c>.
/// Targets are created as needed; a From that matches nothing copies nothing.
/// </summary>
public sealed class CopyTransformer : IEntityTransformer
{
    private readonly PatternCopy _copy;

    /// <summary>Initializes a new instance of the <see cref="CopyTransformer"/> class.</summary>
    /// <param name="from">The pattern path of the values, such as <c>lines.*.sku</c>.</param>
    /// <param name="to">The target path template, such as <c>skus.$1</c>.</param>
    /// <param name="configuration">Where <c>${NAME}</c> placeholders are looked up; environment variables when <see langword="null"/>.</param>
    /// <exception cref="FormatException">A pattern or the template is invalid, or the template uses a capture the pattern does not have.</exception>
    public CopyTransformer(string from, string to, IConfiguration? configuration = null)
        : this(from, to, ConfigurationValues.Resolver(configuration))
    {
    }

    internal CopyTransformer(string from, string to, ConfigurationValues.Resolve resolve)
    {
        _copy = new PatternCopy(from, to, move: false, resolve);
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
