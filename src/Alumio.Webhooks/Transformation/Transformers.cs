using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>Helpers the built-in transformers share.</summary>
internal static class Transformers
{
    /// <summary>The prototype name of a transformer, for messages: its configuration name for built-ins, "code" for delegates, else its type.</summary>
    public static string NameOf(IEntityTransformer transformer) => transformer switch
    {
        ValueSetterTransformer => "value-setter",
        ValueMapperTransformer => "value-mapper",
        KeyMapperTransformer => "key-mapper",
        CopyTransformer => "copy",
        MoveTransformer => "move",
        KeyFilterTransformer => "key-filter",
        ValueRemoverTransformer => "value-remover",
        TypeSetterTransformer => "type-setter",
        MergerTransformer => "merger",
        ConditionalTransformer => "conditional",
        FilterTransformer => "filter",
        BrancherTransformer => "brancher",
        ChainTransformer => "chain",
        DelegateEntityTransformer => "code",
        _ => transformer.GetType().Name,
    };

    /// <summary>Evaluates a template; a placeholder that cannot be filled fails the transformer at a path.</summary>
    public static JsonNode? Evaluate(JsonTemplate template, JsonNode entity, IReadOnlyList<string> captures, string? path)
    {
        try
        {
            return template.Evaluate(entity, captures);
        }
        catch (PlaceholderException exception)
        {
            throw new TransformerException(exception.Message, path, exception);
        }
    }

    /// <summary>Compiles a list of patterns, such as those of a key filter.</summary>
    public static ItemPattern[] ParsePatterns(IEnumerable<string> patterns, string name)
    {
        ArgumentNullException.ThrowIfNull(patterns, name);
        ItemPattern[] compiled = [.. patterns.Select(pattern => PathSyntax.Parse(pattern ?? throw new ArgumentException("A pattern is null.", name)))];
        if (compiled.Length == 0)
        {
            throw new ArgumentException("At least one pattern is required.", name);
        }

        return compiled;
    }

    /// <summary>Asks a condition; a placeholder in it that cannot be filled fails the transformer.</summary>
    public static bool IsMet(IEntityCondition condition, JsonNode entity)
    {
        try
        {
            return condition.IsMet(entity);
        }
        catch (PlaceholderException exception)
        {
            throw new TransformerException($"The condition {condition.Describe()} cannot be asked: {exception.Message}", null, exception);
        }
    }
}
