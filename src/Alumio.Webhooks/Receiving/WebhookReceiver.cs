using System.Diagnostics;
using System.Runtime.CompilerServices;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Diagnostics;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Receiving;

/// <summary>
/// Runs a request through a webhook: validators, parser, pattern to items, and one task per item and
/// route, stored all together. Succeeds only once the store holds every task of the request; on any
/// failure nothing is stored.
/// </summary>
public sealed class WebhookReceiver
{
    private readonly WebhookModel _model;
    private readonly ITaskStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly TaskSignal _signal;
    private readonly WebhookDiagnostics _diagnostics;
    private readonly ILogger _logger;

    internal WebhookReceiver(WebhookModel model, ITaskStore store, TimeProvider timeProvider, TaskSignal signal, WebhookDiagnostics diagnostics, ILogger<WebhookReceiver> logger)
    {
        _model = model;
        _diagnostics = diagnostics;
        _store = store;
        _timeProvider = timeProvider;
        _signal = signal;
        _logger = logger;
    }

    /// <summary>Receives one request.</summary>
    /// <param name="identifier">The webhook identifier from the URL.</param>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request; then nothing is stored.</param>
    /// <returns>What was stored, or the problem to answer with.</returns>
    public async ValueTask<WebhookReceiveResult> ReceiveAsync(string identifier, WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(request);

        var started = _timeProvider.GetTimestamp();
        using var activity = WebhookDiagnostics.ActivitySource.StartActivity("alumio.webhooks.receive", ActivityKind.Internal);
        activity?.SetTag("alumio.webhook", identifier);
        var result = await ReceiveCoreAsync(identifier, request, cancellationToken).ConfigureAwait(false);
        var status = result.Problem?.StatusCode ?? 200;
        if (activity is not null)
        {
            activity.SetTag("http.response.status_code", status);
            activity.SetTag("alumio.request_id", result.RequestId);
            activity.SetTag("alumio.tasks", result.Tasks);
            if (!result.Succeeded)
            {
                activity.SetStatus(ActivityStatusCode.Error, result.Problem.Title);
            }
        }

        // An unknown identifier comes from the URL: it is not a tag, or anyone could add time series.
        var tag = status == 404 && !_model.Webhooks.ContainsKey(result.Webhook) ? "(unknown)" : result.Webhook;
        _diagnostics.RequestAnswered(tag, status, _timeProvider.GetElapsedTime(started));
        _diagnostics.TasksCreated(result.Webhook, result.Tasks);
        return result;
    }

    private async ValueTask<WebhookReceiveResult> ReceiveCoreAsync(string identifier, WebhookRequest request, CancellationToken cancellationToken)
    {
        if (!_model.Webhooks.TryGetValue(identifier, out var webhook))
        {
            Log.WebhookUnknown(_logger, identifier);
            return WebhookReceiveResult.Refused(identifier, new WebhookProblem(404, "Unknown webhook", $"No webhook is configured with the identifier '{identifier}'."));
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return Refuse(webhook, new WebhookProblem(405, "Method not allowed", $"Webhooks accept POST requests only, not {request.Method}."));
        }

        foreach (var validator in webhook.Validators)
        {
            var validation = await validator.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
            if (!validation.Succeeded)
            {
                return Refuse(webhook, new WebhookProblem(validation.StatusCode, TitleOf(validation.StatusCode), validation.Detail!));
            }
        }

        if (request.ContentLength > webhook.MaxBodySize)
        {
            return Refuse(webhook, TooLarge(webhook));
        }

        var now = _timeProvider.GetUtcNow();
        var requestId = TaskIds.Next(now).ToString();
        var items = 0;
        var writer = new RequestTaskWriter(_store);
        await using (writer.ConfigureAwait(false))
        {
            try
            {
                var body = await PrepareBodyAsync(webhook, request, cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    foreach (var incomingId in webhook.Incoming)
                    {
                        var incoming = _model.Incoming[incomingId];
                        var routes = _model.GetRoutes(incoming.Identifier);
                        if (body.CanSeek)
                        {
                            body.Position = 0;
                        }

                        await foreach (var entity in ReadItemsAsync(incoming, body, request.ContentType, cancellationToken).ConfigureAwait(false))
                        {
                            items++;
                            foreach (var route in routes)
                            {
                                await writer.AddAsync(new WebhookTask(TaskIds.Next(now), requestId, webhook.Identifier, route.Name, entity, WebhookTaskStatus.New, 0, null, now, now), cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                }

                if (items == 0 && webhook.RequireItems)
                {
                    return Refuse(webhook, new WebhookProblem(422, "No items", "The body holds no items for this webhook's pattern to items, and the webhook requires at least one."));
                }

                await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebhookParseException exception)
            {
                return Refuse(webhook, new WebhookProblem(400, "Malformed body", exception.Message) { Line = exception.Line, Position = exception.Position, Row = exception.Row });
            }
            catch (UnsupportedContentTypeException exception)
            {
                return Refuse(webhook, new WebhookProblem(415, "Unsupported media type", exception.Message));
            }
            catch (BodyTooLargeException)
            {
                return Refuse(webhook, TooLarge(webhook));
            }
            catch (TaskStoreException exception)
            {
                // The sender is told to come back: a 5xx makes every webhook sender retry.
                Log.StoreFailed(_logger, webhook.Identifier, writer.Count, exception.InnerException!);
                return WebhookReceiveResult.Refused(webhook.Identifier, new WebhookProblem(503, "Tasks not stored", "The request could not be stored, so it was not accepted. Send it again later."));
            }
        }

        if (writer.Count > 0)
        {
            _signal.Notify();
        }

        Log.WebhookAccepted(_logger, webhook.Identifier, requestId, items, writer.Count);
        return WebhookReceiveResult.Accepted(webhook.Identifier, requestId, items, writer.Count);
    }

    internal static async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadItemsAsync(Incoming incoming, Stream body, string? contentType, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (incoming.Parser is IStreamingParser { StreamsItems: true } streaming && incoming.Splitter is PatternItemSplitter splitter)
        {
            await foreach (var item in streaming.ReadItemsAsync(body, contentType, splitter.Pattern, cancellationToken).ConfigureAwait(false))
            {
                yield return item;
            }

            yield break;
        }

        await foreach (var item in DocumentItems.ReadAsync(incoming.Parser, body, contentType, incoming.Splitter, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    private static async ValueTask<Stream> PrepareBodyAsync(Webhook webhook, WebhookRequest request, CancellationToken cancellationToken)
    {
        var limited = new LimitedReadStream(request.Body, webhook.MaxBodySize);
        if (webhook.Incoming.Count == 1)
        {
            return limited;
        }

        // Several incomings each parse the same body, so it is read once into memory.
        var copy = new MemoryStream();
        await limited.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
        return copy;
    }

    private static WebhookProblem TooLarge(Webhook webhook) =>
        new(413, "Body too large", $"The body is larger than this webhook accepts ({webhook.MaxBodySize} bytes).");

    private static string TitleOf(int statusCode) => statusCode switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        403 => "Forbidden",
        413 => "Body too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        _ => "Request refused",
    };

    private WebhookReceiveResult Refuse(Webhook webhook, WebhookProblem problem)
    {
        Log.WebhookRejected(_logger, webhook.Identifier, problem.StatusCode, problem.Detail);
        return WebhookReceiveResult.Refused(webhook.Identifier, problem);
    }

    private static class HttpMethods
    {
        public static bool IsPost(string method) => string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase);
    }
}
