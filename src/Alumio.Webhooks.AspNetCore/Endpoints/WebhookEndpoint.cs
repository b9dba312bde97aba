using System.Text.Json;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Receiving;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.AspNetCore.Endpoints;

/// <summary>Handles a webhook request: runs the receiver and answers with counts or problem details.</summary>
/// <remarks>
/// Created when the endpoints are mapped, with the receiver and model resolved once: a request that stores its tasks
/// and is answered with counts opens no request service scope.
/// </remarks>
internal sealed class WebhookEndpoint(WebhookReceiver receiver, WebhookModel model)
{
    public static WebhookEndpoint Create(IServiceProvider services) =>
        new(services.GetRequiredService<WebhookReceiver>(), services.GetRequiredService<WebhookModel>());

    public async Task HandleAsync(HttpContext context, string identifier)
    {
        // The webhook's own MaxBodySize governs its endpoint, in place of the server-wide default. The
        // server's limit is set one byte higher, so the receiver meets the limit first and answers it
        // like any other refusal (problem details naming the webhook, a log line, a metric).
        if (model.Webhooks.TryGetValue(identifier, out var webhook)
            && context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = webhook.MaxBodySize == long.MaxValue ? null : webhook.MaxBodySize + 1;
        }

        WebhookReceiveResult result;
        try
        {
            result = await receiver.ReceiveAsync(identifier, new HttpContextWebhookRequest(context), context.RequestAborted).ConfigureAwait(false);
        }
        catch (BadHttpRequestException exception)
        {
            // The server refused the body itself: cut short or badly framed.
            var extensions = new Dictionary<string, object?> { ["webhook"] = webhook?.Identifier ?? identifier };
            await Problems.WriteAsync(context, exception.StatusCode, exception.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Body too large" : "Bad request", exception.Message, extensions).ConfigureAwait(false);
            return;
        }
        catch (Exception exception) when (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException)
        {
            // The sender hung up: nothing was stored and nobody is listening for an answer.
            return;
        }

        if (!result.Succeeded)
        {
            var problem = result.Problem;
            if (problem.StatusCode == StatusCodes.Status405MethodNotAllowed)
            {
                context.Response.Headers.Allow = HttpMethods.Post;
            }

            var extensions = new Dictionary<string, object?> { ["webhook"] = result.Webhook };
            if (problem.Line is { } line)
            {
                extensions["line"] = line;
            }

            if (problem.Position is { } position)
            {
                extensions["position"] = position;
            }

            if (problem.Row is { } row)
            {
                extensions["row"] = row;
            }

            await Problems.WriteAsync(context, problem.StatusCode, problem.Title, problem.Detail, extensions).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("webhook", result.Webhook);
            writer.WriteString("requestId", result.RequestId);
            writer.WriteNumber("items", result.Items);
            writer.WriteNumber("tasks", result.Tasks);
            if (result.Duplicate)
            {
                writer.WriteBoolean("duplicate", true);
            }

            writer.WriteEndObject();
        }
    }
}
