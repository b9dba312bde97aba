using System.Diagnostics.CodeAnalysis;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Receiving;

/// <summary>The outcome of <see cref="WebhookReceiver.ReceiveAsync"/>: what was stored, or why nothing was.</summary>
public sealed class WebhookReceiveResult
{
    private WebhookReceiveResult(string webhook, string? requestId, int items, int tasks, WebhookProblem? problem, bool duplicate = false)
    {
        Duplicate = duplicate;
        Webhook = webhook;
        RequestId = requestId;
        Items = items;
        Tasks = tasks;
        Problem = problem;
    }

    /// <summary>Gets a value indicating whether the request was accepted and all its tasks are stored.</summary>
    [MemberNotNullWhen(true, nameof(RequestId))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    /// <summary>Gets the webhook identifier, as configured when the webhook is known.</summary>
    public string Webhook { get; }

    /// <summary>Gets the id given to the accepted request.</summary>
    public string? RequestId { get; }

    /// <summary>Gets how many items the body was split into.</summary>
    public int Items { get; }

    /// <summary>Gets how many tasks were stored: one per item and route.</summary>
    public int Tasks { get; }

    /// <summary>
    /// Gets a value indicating whether the request repeats one already accepted (the same idempotency key, or a replayed
    /// signed message): it is acknowledged with the first request's id and counts, and stored nothing new.
    /// </summary>
    public bool Duplicate { get; }

    /// <summary>Gets why the request was refused; nothing was stored.</summary>
    public WebhookProblem? Problem { get; }

    internal static WebhookReceiveResult Accepted(string webhook, string requestId, int items, int tasks) =>
        new(webhook, requestId, items, tasks, null);

    internal static WebhookReceiveResult Repeated(IdempotentRequest held) =>
        new(held.Webhook, held.RequestId, held.Items, held.Tasks, null, duplicate: true);

    internal static WebhookReceiveResult Refused(string webhook, WebhookProblem problem) =>
        new(webhook, null, 0, 0, problem);
}
