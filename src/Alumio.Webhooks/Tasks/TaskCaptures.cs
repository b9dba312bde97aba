using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Alumio.Webhooks.Tasks;

/// <summary>How stores keep <see cref="WebhookTask.Captures"/>: a JSON array of strings, or nothing when there are none.</summary>
internal static class TaskCaptures
{
    /// <summary>The captures as a JSON array; <see langword="null"/> when there are none.</summary>
    public static string? ToJson(IReadOnlyList<string> captures) => captures.Count == 0 ? null : ToJsonArray(captures);

    /// <summary>Strings as a JSON array.</summary>
    public static string ToJsonArray(IEnumerable<string> values)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var value in values)
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads what <see cref="ToJson"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The text is not a JSON array of strings.</exception>
    public static IReadOnlyList<string> FromJson(string? json)
    {
        if (json is null)
        {
            return [];
        }

        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        var captures = new List<string>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidDataException("Stored captures are not a JSON array.");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            captures.Add(reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new InvalidDataException("Stored captures are not all strings."));
        }

        return captures;
    }
}
