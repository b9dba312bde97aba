using System.Globalization;
using System.Text.Json;
using Alumio.Webhooks.AspNetCore.Endpoints;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.AspNetCore.Tasks;

/// <summary>The tasks API: list with filters and cursor paging, get one with its history, and retry failed tasks.</summary>
internal static class TaskEndpoints
{
    public static async Task ListAsync(HttpContext context)
    {
        if (await ReadQueryAsync(context).ConfigureAwait(false) is not { } taskQuery)
        {
            return;
        }

        var store = context.RequestServices.GetRequiredService<ITaskStore>();
        var page = await store.QueryAsync(taskQuery, context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, writer => TaskJson.WritePage(writer, page)).ConfigureAwait(false);
    }

    public static async Task GetAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<ITaskStore>();
        if (await FindAsync(context, store).ConfigureAwait(false) is not { } task)
        {
            return;
        }

        var history = await store.GetAttemptsAsync(task.Id, context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, writer => TaskJson.Write(writer, task, history)).ConfigureAwait(false);
    }

    /// <summary><c>POST tasks/{id}/retry</c>: a failed task is due again at once; any other status is a 409.</summary>
    public static async Task RetryOneAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<ITaskStore>();
        if (await FindAsync(context, store).ConfigureAwait(false) is not { } task)
        {
            return;
        }

        if (task.Status != WebhookTaskStatus.Failed
            || await store.RetryAsync(new TaskQuery { Id = task.Id, Status = WebhookTaskStatus.Failed }, context.RequestAborted).ConfigureAwait(false) == 0)
        {
            await Problems.WriteAsync(context, StatusCodes.Status409Conflict, "Task not failed", $"Only failed tasks can be retried; task '{task.Id}' is {task.Status}.").ConfigureAwait(false);
            return;
        }

        context.RequestServices.GetRequiredService<Processing.TaskSignal>().Notify();
        var retried = await store.GetAsync(task.Id, context.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(context, writer => TaskJson.Write(writer, retried!)).ConfigureAwait(false);
    }

    /// <summary><c>POST tasks/retry?route=&amp;webhook=&amp;requestId=</c>: every failed task matching the filter is due again at once.</summary>
    public static async Task RetryManyAsync(HttpContext context)
    {
        if (await ReadQueryAsync(context).ConfigureAwait(false) is not { } filter)
        {
            return;
        }

        if (filter.Status is { } status && status != WebhookTaskStatus.Failed)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid task query", $"Only failed tasks can be retried; status must be Failed or left out, not {status}.").ConfigureAwait(false);
            return;
        }

        var store = context.RequestServices.GetRequiredService<ITaskStore>();
        var count = await store.RetryAsync(filter with { Status = WebhookTaskStatus.Failed }, context.RequestAborted).ConfigureAwait(false);
        if (count > 0)
        {
            context.RequestServices.GetRequiredService<Processing.TaskSignal>().Notify();
        }

        await WriteJsonAsync(context, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("retried", count);
            writer.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task<WebhookTask?> FindAsync(HttpContext context, ITaskStore store)
    {
        var idText = context.Request.RouteValues["id"] as string;
        var task = Guid.TryParse(idText, out var id) ? await store.GetAsync(id, context.RequestAborted).ConfigureAwait(false) : null;
        if (task is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown task", $"No task has the id '{idText}'.").ConfigureAwait(false);
        }

        return task;
    }

    private static async Task<TaskQuery?> ReadQueryAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var taskQuery = new TaskQuery
        {
            Webhook = Single(query, "webhook"),
            Route = Single(query, "route"),
            RequestId = Single(query, "requestId"),
        };

        var errors = new List<string>();
        if (Single(query, "status") is { } status)
        {
            if (!int.TryParse(status, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && !status.Contains(',', StringComparison.Ordinal)
                && Enum.TryParse<WebhookTaskStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed))
            {
                taskQuery = taskQuery with { Status = parsed };
            }
            else
            {
                errors.Add($"status '{status}' is not one of {string.Join(", ", Enum.GetNames<WebhookTaskStatus>())}.");
            }
        }

        if (Single(query, "limit") is { } limitText)
        {
            if (int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= TaskQuery.MaxLimit)
            {
                taskQuery = taskQuery with { Limit = limit };
            }
            else
            {
                errors.Add($"limit '{limitText}' must be a whole number from 1 to {TaskQuery.MaxLimit}.");
            }
        }

        if (Single(query, "cursor") is { } cursor)
        {
            if (Guid.TryParse(cursor, out var after))
            {
                taskQuery = taskQuery with { After = after };
            }
            else
            {
                errors.Add($"cursor '{cursor}' is not a cursor returned as 'next' by this API.");
            }
        }

        if (errors.Count > 0)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Invalid task query", string.Join(" ", errors)).ConfigureAwait(false);
            return null;
        }

        return taskQuery;
    }

    private static string? Single(IQueryCollection query, string key)
    {
        var values = query[key];
        return values.Count == 0 || string.IsNullOrEmpty(values[^1]) ? null : values[^1];
    }

    private static async Task WriteJsonAsync(HttpContext context, Action<Utf8JsonWriter> write)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            write(writer);
        }
    }
}
