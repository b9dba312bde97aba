namespace Alumio.Webhooks.Tasks;

/// <summary>A request that holds an idempotency key: a repeat within the window is answered with it and stores nothing.</summary>
/// <param name="Webhook">The webhook identifier.</param>
/// <param name="Key">The key, such as the value of an <c>Idempotency-Key</c> header or a signed message id.</param>
/// <param name="RequestId">The id of the request that was stored.</param>
/// <param name="Items">How many items it had.</param>
/// <param name="Tasks">How many tasks it stored.</param>
/// <param name="ExpiresAt">When the key may be used again.</param>
public sealed record IdempotentRequest(string Webhook, string Key, string RequestId, int Items, int Tasks, DateTimeOffset ExpiresAt);
