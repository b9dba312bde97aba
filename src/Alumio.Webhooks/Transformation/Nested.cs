using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;

namespace Alumio.Webhooks.Transformation;

/// <summary>Runs the transformers inside a chain or conditional, so that an error names where inside it came from.</summary>
internal static class Nested
{
    public static IEntityTransformer[] Check(IEnumerable<IEntityTransformer> transformers, string name)
    {
        ArgumentNullException.ThrowIfNull(transformers, name);
        IEntityTransformer[] list = [.. transformers];
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentException($"Transformer {i} is null.", name);
            }

            if (list[i] is BrancherTransformer)
            {
                throw new ArgumentException($"Transformer {i} is a brancher, which is allowed only directly in a route's transformers, not inside a chain or conditional.", name);
            }
        }

        return list;
    }

    public static async ValueTask<EntityTransformResult> RunAsync(IEntityTransformer[] transformers, string list, JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        for (var i = 0; i < transformers.Length; i++)
        {
            EntityTransformResult result;
            try
            {
                result = await transformers[i].TransformAsync(entity, context, cancellationToken).ConfigureAwait(false);
            }
            catch (TransformerException exception)
            {
                throw new TransformerException(exception.Message, exception.Path, exception.InnerException)
                {
                    Trail = Step(list, i, transformers[i]) + (exception.Trail is null ? string.Empty : " > " + exception.Trail),
                };
            }
            catch (PlaceholderException exception)
            {
                throw new TransformerException(exception.Message, null, exception) { Trail = Step(list, i, transformers[i]) };
            }

            if (result.IsSkipped)
            {
                return result;
            }

            entity = result.Entity;
        }

        return EntityTransformResult.Continue(entity);
    }

    private static string Step(string list, int index, IEntityTransformer transformer) =>
        $"{list} {index} ({Transformers.NameOf(transformer)})";
}
