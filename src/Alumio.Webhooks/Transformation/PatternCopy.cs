using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>What copy and move share: find the values, work out each target path, then set (and for a move, remove first).</summary>
internal sealed class PatternCopy
{
    private readonly bool _move;

    public PatternCopy(string from, string to, bool move, ConfigurationValues.Resolve resolve)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        From = PathSyntax.Parse(from);
        if (to.Length == 0)
        {
            throw new FormatException("The target path is empty.");
        }

        To = PlaceholderTemplate.Parse(to, resolve, From.CaptureCount);
        _move = move;
        string? probe = null;
        try
        {
            probe = To.Render(new JsonObject(), [.. Enumerable.Repeat("x", From.CaptureCount)], PathSyntax.Escape);
        }
        catch (PlaceholderException)
        {
            // The target depends on the entity: it is checked when it is known.
        }

        if (probe is not null && PathSyntax.Parse(probe).CaptureCount > 0)
        {
            throw new FormatException($"The target '{to}' has a wildcard; a target names one place (use $1, $2, ... for what the wildcards of the source matched).");
        }
    }

    public ItemPattern From { get; }

    public PlaceholderTemplate To { get; }

    public void Apply(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var found = EntityLocation.Find(From, entity);
        if (found.Count == 0)
        {
            return;
        }

        // Every target is worked out, and every value taken, before anything changes.
        var targets = new List<(ItemPattern Target, JsonNode? Value)>(found.Count);
        foreach (var (location, captures) in found)
        {
            string path;
            try
            {
                path = To.Render(entity, captures, PathSyntax.Escape);
            }
            catch (PlaceholderException exception)
            {
                throw new TransformerException(exception.Message, To.Text, exception);
            }

            ItemPattern target;
            try
            {
                target = PathSyntax.Parse(path);
            }
            catch (FormatException exception)
            {
                throw new TransformerException($"The target '{path}' (from {location.Path}) is not a path: {exception.Message}", To.Text, exception);
            }

            if (target.CaptureCount > 0)
            {
                throw new TransformerException($"The target '{path}' (from {location.Path}) has a wildcard; a target names one place.", To.Text);
            }

            targets.Add((target, location.Node?.DeepClone()));
        }

        if (_move)
        {
            EntityLocation.RemoveAll(found.Select(item => item.Location));
        }

        foreach (var (target, value) in targets)
        {
            foreach (var place in EntityLocation.ForSet(target, entity))
            {
                place.Set(value?.Parent is null ? value : value.DeepClone());
            }
        }
    }
}
