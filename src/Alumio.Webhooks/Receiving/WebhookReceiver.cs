using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Diagnostics;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Validation;
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
    private readonly WebhookTaskProcessor _processor;

    internal WebhookReceiver(WebhookModel model, ITaskStore store, TimeProvider timeProvider, TaskSignal signal, WebhookDiagnostics diagnostics, WebhookTaskProcessor processor, ILogger<WebhookReceiver> logger)
    {
        _processor = processor;
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
        _diagnostics.TasksCreated(result.Webhook, result.Duplicate ? 0 : result.Tasks);
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

        List<IRequestBodyVerifier>? verifiers = null;
        try
        {
            var validators = webhook.Validators;
            for (var i = 0; i < validators.Count; i++)
            {
                var validator = validators[i];
                var validation = await validator.ValidateAsync(request, cancellationToken).ConfigureAwait(false);
                if (!validation.Succeeded)
                {
                    return Refuse(webhook, ValidationProblem(webhook, validation));
                }

                if (validator is IRequestBodyValidator bodyValidator)
                {
                    (verifiers ??= []).Add(bodyValidator.CreateVerifier(request));
                }
            }

            if (request.ContentLength > webhook.MaxBodySize)
            {
                return Refuse(webhook, TooLarge(webhook));
            }

            return await StoreAsync(webhook, request, verifiers, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (verifiers is not null)
            {
                foreach (var verifier in verifiers)
                {
                    verifier.Dispose();
                }
            }
        }
    }

    private async ValueTask<WebhookReceiveResult> StoreAsync(Webhook webhook, WebhookRequest request, List<IRequestBodyVerifier>? verifiers, CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var idempotency = webhook.IdempotencyKey;
        var key = idempotency?.Header is { } header ? KeyText(SingleHeader(request, header)) : null;

        // A repeated key is answered without reading the body, unless a signature must be checked first.
        if (key is not null && verifiers is null)
        {
            try
            {
                if (await _store.FindRequestAsync(webhook.Identifier, key, cancellationToken).ConfigureAwait(false) is { } held)
                {
                    return Repeated(webhook, held);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                return StoreUnavailable(webhook, 0, exception);
            }
        }

        var requestId = TaskIds.Next(now).ToString();
        var items = 0;
        var limited = new LimitedReadStream(request.Body, webhook.MaxBodySize);
        var verifying = verifiers is null ? null : new VerifyingReadStream(limited, verifiers);
        HashSet<string>? realTime = null;
        var writer = new RequestTaskWriter(_store);
        await using (writer.ConfigureAwait(false))
        {
            try
            {
                var body = await PrepareBodyAsync(webhook, verifying ?? (Stream)limited, idempotency?.Pattern is not null, cancellationToken).ConfigureAwait(false);
                await using (body.ConfigureAwait(false))
                {
                    if (idempotency?.Pattern is { } pattern)
                    {
                        body.Position = 0;
                        key = await ReadKeyAsync(_model.Incoming[webhook.Incoming[0]], body, request.ContentType, pattern, cancellationToken).ConfigureAwait(false);
                    }

                    for (var i = 0; i < webhook.Incoming.Count; i++)
                    {
                        var incoming = _model.Incoming[webhook.Incoming[i]];
                        var routes = _model.GetRoutes(incoming.Identifier);
                        for (var r = 0; r < routes.Count; r++)
                        {
                            if (routes[r].RealTime)
                            {
                                (realTime ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase)).Add(routes[r].Name);
                            }
                        }

                        if (body.CanSeek)
                        {
                            body.Position = 0;
                        }

                        await foreach (var item in ReadItemsAsync(incoming, body, request.ContentType, cancellationToken).ConfigureAwait(false))
                        {
                            items++;
                            for (var r = 0; r < routes.Count; r++)
                            {
                                var task = new WebhookTask(TaskIds.Next(now), requestId, webhook.Identifier, routes[r].Name, item.Utf8, WebhookTaskStatus.New, 0, null, now, now)
                                {
                                    Captures = item.Captures,
                                };
                                await writer.AddAsync(task, cancellationToken).ConfigureAwait(false);
                            }
                        }
                    }
                }

                // Nothing is committed before every byte of the body was verified.
                if (verifying is not null)
                {
                    await verifying.DrainAsync(cancellationToken).ConfigureAwait(false);
                    if (verifying.Verify() is { } failure)
                    {
                        return Refuse(webhook, ValidationProblem(webhook, failure));
                    }
                }

                if (items == 0 && webhook.RequireItems)
                {
                    return Refuse(webhook, new WebhookProblem(422, "No items", "The body holds no items for this webhook's pattern to items, and the webhook requires at least one."));
                }

                // Claimed last, when the counts are known; the claims become visible with the tasks, in one commit.
                if (idempotency is not null || verifiers is not null)
                {
                    foreach (var (claimKey, expires) in Claims(idempotency, key, verifiers, now))
                    {
                        var claim = new IdempotentRequest(webhook.Identifier, claimKey, requestId, items, writer.Count, expires);
                        if (await writer.ClaimAsync(claim, cancellationToken).ConfigureAwait(false) is { } held)
                        {
                            return Repeated(webhook, held);
                        }
                    }
                }

                await writer.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (WebhookParseException exception)
            {
                return await RefuseUnlessForgedAsync(webhook, verifying, new WebhookProblem(400, "Malformed body", exception.Message) { Line = exception.Line, Position = exception.Position, Row = exception.Row }, cancellationToken).ConfigureAwait(false);
            }
            catch (UnsupportedContentTypeException exception)
            {
                return await RefuseUnlessForgedAsync(webhook, verifying, new WebhookProblem(415, "Unsupported media type", exception.Message), cancellationToken).ConfigureAwait(false);
            }
            catch (BodyTooLargeException)
            {
                return Refuse(webhook, TooLarge(webhook));
            }
            catch (TaskStoreException exception)
            {
                return StoreUnavailable(webhook, writer.Count, exception.InnerException!);
            }
        }

        Log.WebhookAccepted(_logger, webhook.Identifier, requestId, items, writer.Count);
        if (writer.Count > 0)
        {
            if (realTime is not null)
            {
                await DeliverNowAsync(webhook, requestId, realTime, cancellationToken).ConfigureAwait(false);
            }

            _signal.Notify();
        }

        return WebhookReceiveResult.Accepted(webhook.Identifier, requestId, items, writer.Count);
    }

    /// <summary>The idempotency keys a request claims: its configured key, and the id of a signed message (until it would be stale anyway).</summary>
    private static IEnumerable<(string Key, DateTimeOffset Expires)> Claims(IdempotencyKey? idempotency, string? key, List<IRequestBodyVerifier>? verifiers, DateTimeOffset now)
    {
        if (idempotency is not null && key is not null)
        {
            yield return (key, now + idempotency.Window);
        }

        foreach (var verifier in verifiers ?? [])
        {
            if (verifier.MessageId is { } messageId)
            {
                yield return ("signed:" + KeyText(messageId), verifier.MessageExpires);
            }
        }
    }

    /// <summary>Delivers the tasks of real-time routes before the answer. They are stored already, so a failure here goes on to retries.</summary>
    private async ValueTask DeliverNowAsync(Webhook webhook, string requestId, IReadOnlyCollection<string> routes, CancellationToken cancellationToken)
    {
        try
        {
            await _processor.ProcessRequestAsync(requestId, routes, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.RealTimeFailed(_logger, webhook.Identifier, requestId, exception);
        }
    }

    private static async ValueTask<string?> ReadKeyAsync(Incoming incoming, Stream body, string? contentType, ItemPattern pattern, CancellationToken cancellationToken)
    {
        await foreach (var item in DocumentItems.ReadAsync(incoming.Parser, body, contentType, new PatternItemSplitter(pattern), cancellationToken).ConfigureAwait(false))
        {
            using var document = JsonDocument.Parse(item.Utf8);
            var root = document.RootElement;
            return KeyText(root.ValueKind == JsonValueKind.String ? root.GetString() : root.GetRawText());
        }

        return null;
    }

    /// <summary>A key as stored: empty means none, and a long one is replaced by its SHA-256 so that keys stay small.</summary>
    private static string? KeyText(string? key)
    {
        key = key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            return null;
        }

        return key.Length <= 200 ? key : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    private static string? SingleHeader(WebhookRequest request, string name) =>
        request.TryGetHeader(name, out var values) && values.Count == 1 ? values[0] : null;

    private WebhookReceiveResult Repeated(Webhook webhook, IdempotentRequest held)
    {
        Log.WebhookRepeated(_logger, webhook.Identifier, held.RequestId);
        return WebhookReceiveResult.Repeated(held);
    }

    private WebhookReceiveResult StoreUnavailable(Webhook webhook, int tasks, Exception exception)
    {
        // The sender is told to come back: a 5xx makes every webhook sender retry.
        Log.StoreFailed(_logger, webhook.Identifier, tasks, exception);
        return WebhookReceiveResult.Refused(webhook.Identifier, new WebhookProblem(503, "Tasks not stored", "The request could not be stored, so it was not accepted. Send it again later."));
    }

    /// <summary>
    /// A body that cannot be parsed is still checked against its signature first: a forged request learns only that
    /// it is refused, never how its body would have been read.
    /// </summary>
    private async ValueTask<WebhookReceiveResult> RefuseUnlessForgedAsync(Webhook webhook, VerifyingReadStream? verifying, WebhookProblem problem, CancellationToken cancellationToken)
    {
        if (verifying is not null)
        {
            try
            {
                await verifying.DrainAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (BodyTooLargeException)
            {
                return Refuse(webhook, TooLarge(webhook));
            }

            if (verifying.Verify() is { } failure)
            {
                return Refuse(webhook, ValidationProblem(webhook, failure));
            }
        }

        return Refuse(webhook, problem);
    }

    private static WebhookProblem ValidationProblem(Webhook webhook, RequestValidationResult failure)
    {
        var status = webhook.ValidationFailureStatus ?? failure.StatusCode;
        return new WebhookProblem(status, TitleOf(status), failure.Detail!);
    }

    internal static IAsyncEnumerable<ParsedItem> ReadItemsAsync(Incoming incoming, Stream body, string? contentType, CancellationToken cancellationToken) =>
        incoming.Parser is IStreamingParser { StreamsItems: true } streaming && incoming.Splitter is PatternItemSplitter splitter
            ? streaming.ReadItemsAsync(body, contentType, splitter.Pattern, cancellationToken)
            : DocumentItems.ReadAsync(incoming.Parser, body, contentType, incoming.Splitter, cancellationToken);

    private static async ValueTask<Stream> PrepareBodyAsync(Webhook webhook, Stream limited, bool readTwice, CancellationToken cancellationToken)
    {
        if (webhook.Incoming.Count == 1 && !readTwice)
        {
            return limited;
        }

        // Several incomings each parse the same body (or the idempotency key is read from it first), so it is read once into memory.
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
        404 => "Not found",
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
