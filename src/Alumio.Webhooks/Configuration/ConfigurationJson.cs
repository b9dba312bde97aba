using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Configuration;

/// <summary>
/// Turns a configuration section back into JSON, as far as <see cref="IConfiguration"/> keeps it: every value is a
/// string, a section whose keys are 0, 1, 2, ... is an array, and an empty object or a null reads as null.
/// </summary>
internal static class ConfigurationJson
{
    public static JsonNode? ToNode(IConfigurationSection section)
    {
        if (section.Value is not null)
        {
            return JsonValue.Create(section.Value);
        }

        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return null;
        }

        var indexes = children.Select(child => int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : -1).ToList();
        if (indexes.TrueForAll(index => index >= 0) && indexes.Order().SequenceEqual(Enumerable.Range(0, children.Count)))
        {
            return new JsonArray([.. children.OrderBy(child => int.Parse(child.Key, CultureInfo.InvariantCulture)).Select(ToNode)]);
        }

        var result = new JsonObject();
        foreach (var child in children)
        {
            result[child.Key] = ToNode(child);
        }

        return result;
    }
}
