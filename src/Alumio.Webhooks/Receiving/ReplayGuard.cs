namespace Alumio.Webhooks.Receiving;

/// <summary>
/// Remembers the signed messages a webhook accepted until they would be stale anyway, so that a replay (or the
/// sender's retry of a request whose answer it never saw) is acknowledged without storing its tasks again.
/// </summary>
/// <remarks>
/// A message is claimed once its signature verified and before its tasks are committed: a concurrent copy is
/// answered <c>409</c>, and a claim is released when the commit fails so the sender's retry can succeed. The memory is
/// per process; instances behind a load balancer each keep their own.
/// </remarks>
internal sealed class ReplayGuard(TimeProvider timeProvider)
{
    private readonly Dictionary<(string Webhook, string MessageId), Entry> _entries = [];
    private readonly Lock _lock = new();
    private int _sweepAt = 1024;

    public ReplayClaim Claim(string webhook, string messageId, DateTimeOffset expires)
    {
        var now = timeProvider.GetUtcNow();
        lock (_lock)
        {
            if (_entries.Count >= _sweepAt)
            {
                Sweep(now);
            }

            if (_entries.TryGetValue((webhook, messageId), out var entry) && entry.Expires > now)
            {
                return entry.Accepted is { } accepted ? new ReplayClaim(ReplayState.Accepted, accepted) : new ReplayClaim(ReplayState.InProgress, null);
            }

            _entries[(webhook, messageId)] = new Entry(expires, null);
            return new ReplayClaim(ReplayState.Claimed, null);
        }
    }

    public void Complete(string webhook, string messageId, WebhookReceiveResult accepted)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((webhook, messageId), out var entry))
            {
                _entries[(webhook, messageId)] = entry with { Accepted = accepted };
            }
        }
    }

    public void Release(string webhook, string messageId)
    {
        lock (_lock)
        {
            _entries.Remove((webhook, messageId));
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now)
            {
                _entries.Remove(key);
            }
        }

        _sweepAt = Math.Max(1024, _entries.Count * 2);
    }

    private sealed record Entry(DateTimeOffset Expires, WebhookReceiveResult? Accepted);
}

/// <summary>The outcome of <see cref="ReplayGuard.Claim"/>.</summary>
internal enum ReplayState
{
    /// <summary>First time seen: go on and store.</summary>
    Claimed,

    /// <summary>Another request with the same message is being stored right now.</summary>
    InProgress,

    /// <summary>Already stored; answer with the earlier result.</summary>
    Accepted,
}

/// <summary>A claim's state and, when the message was already accepted, the earlier result.</summary>
internal readonly record struct ReplayClaim(ReplayState State, WebhookReceiveResult? Accepted);
