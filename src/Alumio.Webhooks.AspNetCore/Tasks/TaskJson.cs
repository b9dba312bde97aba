using System.Text.Json;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.AspNetCore.Tasks;

/// <summary>Writes tasks in the JSON shape of the tasks API.</summary>
internal static class TaskJson
{
    public static void Write(Utf8JsonWriter writer, WebhookTask task, IReadOnlyList<TaskAttempt>? history = null)
    {
        writer.WriteStartObject();
        writer.WriteString("id", task.Id);
        writer.WriteString("requestId", task.RequestId);
        writer.WriteString("webhook", task.Webhook);
        writer.WriteString("route", task.Route);
        writer.WriteString("status", task.Status.ToString());
        writer.WriteNumber("attempts", task.Attempts);
        writer.WriteString("lastError", task.LastError);
        if (task.DueAt is { } due)
        {
            // For a retry, when the next attempt is due; for a task being processed, when its lease runs out.
            writer.WriteString(task.Status == WebhookTaskStatus.Retry ? "nextAttemptAt" : "leaseExpiresAt", due);
        }

        writer.WriteString("createdAt", task.CreatedAt);
        writer.WriteString("updatedAt", task.UpdatedAt);
        if (task.ParentId is { } parent)
        {
            // A branch: the task a brancher split it from, and the transformer it starts at.
            writer.WriteString("parentId", parent);
            writer.WriteNumber("firstTransformer", task.FirstTransformer);
        }

        if (task.Captures.Count > 0)
        {
            writer.WriteStartArray("captures");
            foreach (var capture in task.Captures)
            {
                writer.WriteStringValue(capture);
            }

            writer.WriteEndArray();
        }

        if (history is not null)
        {
            writer.WriteStartArray("history");
            foreach (var attempt in history)
            {
                writer.WriteStartObject();
                writer.WriteNumber("attempt", attempt.Number);
                writer.WriteString("startedAt", attempt.StartedAt);
                writer.WriteString("finishedAt", attempt.FinishedAt);
                writer.WriteString("outcome", attempt.Outcome.ToString());
                writer.WriteString("error", attempt.Error);
                if (attempt.StatusCode is { } statusCode)
                {
                    writer.WriteNumber("statusCode", statusCode);
                }
                else
                {
                    writer.WriteNull("statusCode");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

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
