using System.Text.Json;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.AspNetCore.Tasks;

/// <summary>Writes tasks in the JSON shape of the tasks API.</summary>
internal static class TaskJson
{
    public static void Write(Utf8JsonWriter writer, WebhookTask task)
    {
        writer.WriteStartObject();
        writer.WriteString("id", task.Id);
        writer.WriteString("requestId", task.RequestId);
        writer.WriteString("webhook", task.Webhook);
        writer.WriteString("route", task.Route);
        writer.WriteString("status", task.Status.ToString());
        writer.WriteNumber("attempts", task.Attempts);
        writer.WriteString("lastError", task.LastError);
        writer.WriteString("createdAt", task.CreatedAt);
        writer.WriteString("updatedAt", task.UpdatedAt);
        writer.WritePropertyName("entity");
        // Entities are checked when they are stored, and may nest deeper than the writer's default checks allow.
        writer.WriteRawValue(task.EntityUtf8.Span, skipInputValidation: true);
        writer.WriteEndObject();
    }

    public static void WritePage(Utf8JsonWriter writer, TaskPage page)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("items");
        foreach (var task in page.Items)
        {
            Write(writer, task);
        }

        writer.WriteEndArray();
        if (page.Next is { } next)
        {
            writer.WriteString("next", next);
        }
        else
        {
            writer.WriteNull("next");
        }

        writer.WriteEndObject();
    }
}
