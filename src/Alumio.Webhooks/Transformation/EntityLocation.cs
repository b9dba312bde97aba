using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>One place in an entity: a key of an object or an index of an array, with its path for messages.</summary>
internal readonly record struct EntityLocation(JsonNode Parent, string? Key, int Index, string Path)
{
    public JsonNode? Node => Key is null ? ((JsonArray)Parent)[Index] : ((JsonObject)Parent)[Key];

    public void Set(JsonNode? value)
    {
        if (Key is null)
        {
            ((JsonArray)Parent)[Index] = value;
        }
        else
        {
            ((JsonObject)Parent)[Key] = value;
        }
    }

    /// <summary>
    /// Finds every existing place the pattern lands on, in document order, with what its wildcard keys matched.
    /// </summary>
    public static List<(EntityLocation Location, string[] Captures)> Find(ItemPattern pattern, JsonNode root)
    {
        var results = new List<(EntityLocation, string[])>();
        Walk(pattern, root, 0, string.Empty, [], results);
        return results;
    }

    /// <summary>
    /// Finds the places a value is set at: wildcard keys range over what exists, and literal keys are created as
    /// objects when missing (or null), so <c>a.b</c> makes <c>a</c> first.
    /// </summary>
    /// <exception cref="TransformerException">A literal key on the way holds a value that is not an object or array, or an index is out of range.</exception>
    public static List<EntityLocation> ForSet(ItemPattern pattern, JsonNode root)
    {
        var results = new List<EntityLocation>();
        WalkForSet(pattern, root, 0, string.Empty, results);
        return results;
    }

    /// <summary>Removes places; array elements from the back, so the indexes of the others stay right.</summary>
    public static void RemoveAll(IEnumerable<EntityLocation> locations)
    {
        foreach (var location in locations.OrderByDescending(location => location.Index))
        {
            if (location.Key is null)
            {
                ((JsonArray)location.Parent).RemoveAt(location.Index);
            }
            else
            {
                ((JsonObject)location.Parent).Remove(location.Key);
            }
        }
    }

    /// <summary>Says what a node is, for messages: "a string", "an object", "null".</summary>
    public static string Describe(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "a string",
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            _ => "null",
        },
    };

    /// <summary>The text of a string, number or boolean; <see langword="false"/> for null, objects and arrays.</summary>
    public static bool TryGetText(JsonNode? node, out string text)
    {
        text = string.Empty;
        if (node is not JsonValue value)
        {
            return false;
        }

        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                text = value.GetValue<string>();
                return true;
            case JsonValueKind.Number:
                text = value.ToJsonString();
                return true;
            case JsonValueKind.True:
                text = "true";
                return true;
            case JsonValueKind.False:
                text = "false";
                return true;
            default:
                return false;
        }
    }

    private static string Join(string path, string key) => path.Length == 0 ? PathSyntax.Escape(key) : path + "." + PathSyntax.Escape(key);

    private static void Walk(ItemPattern pattern, JsonNode? node, int depth, string path, string[] captures, List<(EntityLocation, string[])> results)
    {
        var last = depth == pattern.Length - 1;
        var captures2 = pattern.CapturesAt(depth);
        switch (node)
        {
            case JsonObject obj:
                if (!captures2)
                {
                    var literal = pattern.LiteralAt(depth)!;
                    if (obj.TryGetPropertyValue(literal, out var child))
                    {
                        Visit(new EntityLocation(obj, literal, -1, Join(path, literal)), child, captures);
                    }

                    break;
                }

                foreach (var (key, child) in obj.ToList())
                {
                    if (pattern.MatchesKey(depth, key))
                    {
                        Visit(new EntityLocation(obj, key, -1, Join(path, key)), child, [.. captures, key]);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (pattern.MatchesIndex(depth, i))
                    {
                        var index = i.ToString(CultureInfo.InvariantCulture);
                        Visit(new EntityLocation(array, null, i, Join(path, index)), array[i], captures2 ? [.. captures, index] : captures);
                    }
                }

                break;
        }

        void Visit(EntityLocation location, JsonNode? child, string[] found)
        {
            if (last)
            {
                results.Add((location, found));
            }
            else
            {
                Walk(pattern, child, depth + 1, location.Path, found, results);
            }
        }
    }

    private static void WalkForSet(ItemPattern pattern, JsonNode node, int depth, string path, List<EntityLocation> results)
    {
        var last = depth == pattern.Length - 1;
        var literal = pattern.LiteralAt(depth);
        switch (node)
        {
            case JsonObject obj when literal is not null:
                var location = new EntityLocation(obj, literal, -1, Join(path, literal));
                if (last)
                {
                    results.Add(location);
                    break;
                }

                var child = obj[literal];
                if (child is null)
                {
                    child = new JsonObject();
                    obj[literal] = child;
                }

                Descend(child, location.Path, literalKey: true);
                break;
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (pattern.MatchesKey(depth, key))
                    {
                        Place(new EntityLocation(obj, key, -1, Join(path, key)), value);
                    }
                }

                break;
            case JsonArray array when literal is not null:
                if (!int.TryParse(literal, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= array.Count)
                {
                    throw new TransformerException(
                        $"Cannot set '{pattern.Text}': '{(path.Length == 0 ? "the entity" : path)}' is an array and '{literal}' is not one of its indexes ({(array.Count == 0 ? "it is empty" : $"0 to {array.Count - 1}")}).",
                        pattern.Text);
                }

                var element = new EntityLocation(array, null, index, Join(path, literal));
                if (last)
                {
                    results.Add(element);
                    break;
                }

                var item = array[index];
                if (item is null)
                {
                    item = new JsonObject();
                    array[index] = item;
                }

                Descend(item, element.Path, literalKey: true);
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (pattern.MatchesIndex(depth, i))
                    {
                        Place(new EntityLocation(array, null, i, Join(path, i.ToString(CultureInfo.InvariantCulture))), array[i]);
                    }
                }

                break;
            default:
                throw new TransformerException(
                    $"Cannot set '{pattern.Text}': {(path.Length == 0 ? "the entity" : $"'{path}'")} is {Describe(node)}, not an object.",
                    pattern.Text);
        }

        void Place(EntityLocation location, JsonNode? value)
        {
            if (last)
            {
                results.Add(location);
            }
            else if (value is JsonObject or JsonArray)
            {
                // Wildcards range over what exists: values that are not containers are passed over.
                WalkForSet(pattern, value, depth + 1, location.Path, results);
            }
        }

        void Descend(JsonNode child, string childPath, bool literalKey)
        {
            if (literalKey && child is not (JsonObject or JsonArray))
            {
                throw new TransformerException($"Cannot set '{pattern.Text}': '{childPath}' is {Describe(child)}, not an object.", pattern.Text);
            }

            WalkForSet(pattern, child, depth + 1, childPath, results);
        }
    }
}
