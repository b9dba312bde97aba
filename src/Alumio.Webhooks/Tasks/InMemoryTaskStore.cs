namespace Alumio.Webhooks.Tasks;

/// <summary>
/// Keeps tasks in process memory. Fit for tests and demos only: tasks do not survive a restart, which the host logs
/// once at start-up.
/// </summary>
public sealed class InMemoryTaskStore : ITaskStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<Guid, WebhookTask> _tasks = [];
    private readonly SortedSet<(DateTimeOffset Due, Guid Id)> _due = [];
    private readonly Dictionary<Guid, List<TaskAttempt>> _attempts = [];
    private readonly Dictionary<(string Webhook, string Key), Claim> _claims = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="InMemoryTaskStore"/> class.</summary>
    /// <param name="timeProvider">The clock used for leases, retries and idempotency windows.</param>
    public InMemoryTaskStore(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    /// <inheritdoc />
    public ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult<ITaskBatch>(new Batch(this));
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(TaskLeaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        var now = _timeProvider.GetUtcNow();
        var leased = new List<WebhookTask>();
        lock (_gate)
        {
            var chosen = new List<(DateTimeOffset Due, Guid Id)>();
            foreach (var entry in _due)
            {
                if (entry.Due > now || chosen.Count == request.MaxCount)
                {
                    break;
                }

                var task = _tasks[entry.Id];
                if (Wanted(task, request))
                {
                    chosen.Add(entry);
                }
            }

            foreach (var entry in chosen)
            {
                _due.Remove(entry);
                var task = _tasks[entry.Id] with
                {
                    Status = WebhookTaskStatus.Processing,
                    LeaseId = Guid.NewGuid(),
                    DueAt = now + request.Duration,
                    UpdatedAt = now,
                };
                _tasks[entry.Id] = task;
                _due.Add((task.DueAt!.Value, task.Id));
                leased.Add(task);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<WebhookTask>>(leased);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(WebhookTask task, TaskAttempt? attempt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        cancellationToken.ThrowIfCancellationRequested();
        if (task.Status is WebhookTaskStatus.New or WebhookTaskStatus.Processing || (task.Status == WebhookTaskStatus.Retry && task.DueAt is null))
        {
            throw new ArgumentException("An outcome is Finished, Skipped, Failed, or Retry with a due time.", nameof(task));
        }

        lock (_gate)
        {
            if (!IsCurrentLease(task, out var stored))
            {
                return ValueTask.FromResult(false);
            }

            _due.Remove((stored.DueAt!.Value, stored.Id));
            var completed = task with
            {
                LeaseId = null,
                DueAt = task.Status == WebhookTaskStatus.Retry ? task.DueAt : null,
                UpdatedAt = _timeProvider.GetUtcNow(),
            };
            _tasks[task.Id] = completed;
            if (completed.DueAt is { } due)
            {
                _due.Add((due, completed.Id));
            }

            if (attempt is not null)
            {
                if (!_attempts.TryGetValue(task.Id, out var history))
                {
                    _attempts[task.Id] = history = [];
                }

                history.Add(attempt);
            }

            return ValueTask.FromResult(true);
        }
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            foreach (var task in tasks)
            {
                if (IsCurrentLease(task, out var stored))
                {
                    _due.Remove((stored.DueAt!.Value, stored.Id));
                    var released = stored with
                    {
                        Status = stored.Attempts == 0 ? WebhookTaskStatus.New : WebhookTaskStatus.Retry,
                        LeaseId = null,
                        DueAt = stored.Attempts == 0 ? null : now,
                        UpdatedAt = now,
                    };
                    _tasks[task.Id] = released;
                    _due.Add((released.DueAt ?? released.CreatedAt, released.Id));
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<WebhookTask?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(_tasks.GetValueOrDefault(id));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<TaskAttempt>> GetAttemptsAsync(Guid id, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<TaskAttempt>>(_attempts.TryGetValue(id, out var history) ? [.. history] : []);
        }
    }

    /// <inheritdoc />
    public ValueTask<TaskPage> QueryAsync(TaskQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(query.Limit, TaskQuery.MaxLimit);
        cancellationToken.ThrowIfCancellationRequested();

        var items = new List<WebhookTask>(Math.Min(query.Limit, 64));
        var hasMore = false;
        lock (_gate)
        {
            foreach (var task in _tasks.Values)
            {
                if ((query.After is { } after && task.Id.CompareTo(after) <= 0) || !Matches(task, query))
                {
                    continue;
                }

                if (items.Count == query.Limit)
                {
                    hasMore = true;
                    break;
                }

                items.Add(task);
            }
        }

        return ValueTask.FromResult(new TaskPage(items, hasMore ? items[^1].Id : null));
    }

    /// <inheritdoc />
    public ValueTask<int> RetryAsync(TaskQuery filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _timeProvider.GetUtcNow();
        var count = 0;
        lock (_gate)
        {
            foreach (var task in _tasks.Values.Where(t => t.Status == WebhookTaskStatus.Failed && Matches(t, filter with { Status = null })).ToList())
            {
                _tasks[task.Id] = task with { Status = WebhookTaskStatus.Retry, DueAt = now, UpdatedAt = now };
                _due.Add((now, task.Id));
                count++;
            }
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public ValueTask<int> PruneAsync(DateTimeOffset updatedBefore, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            var done = _tasks.Values.Where(t => t.Status is WebhookTaskStatus.Finished or WebhookTaskStatus.Skipped && t.UpdatedAt < updatedBefore).Select(t => t.Id).ToList();
            foreach (var id in done)
            {
                _tasks.Remove(id);
                _attempts.Remove(id);
            }

            var now = _timeProvider.GetUtcNow();
            foreach (var (key, claim) in _claims.ToList())
            {
                if (claim.Request is { } request && request.ExpiresAt <= now)
                {
                    _claims.Remove(key);
                }
            }

            return ValueTask.FromResult(done.Count);
        }
    }

    /// <inheritdoc />
    public ValueTask<IdempotentRequest?> FindRequestAsync(string webhook, string key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(webhook);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            return ValueTask.FromResult(
                _claims.TryGetValue((webhook, key), out var claim) && claim.Request is { } request && request.ExpiresAt > _timeProvider.GetUtcNow()
                    ? request
                    : null);
        }
    }

    private static bool Wanted(WebhookTask task, TaskLeaseRequest request) =>
        !request.ExcludedRoutes.Contains(task.Route, StringComparer.OrdinalIgnoreCase)
        && (request.Routes is null || request.Routes.Contains(task.Route, StringComparer.OrdinalIgnoreCase))
        && (request.RequestId is null || task.RequestId == request.RequestId);

    private static bool Matches(WebhookTask task, TaskQuery query) =>
        (query.Webhook is null || string.Equals(task.Webhook, query.Webhook, StringComparison.OrdinalIgnoreCase))
        && (query.Route is null || string.Equals(task.Route, query.Route, StringComparison.OrdinalIgnoreCase))
        && (query.Status is null || task.Status == query.Status)
        && (query.RequestId is null || task.RequestId == query.RequestId)
        && (query.Id is null || task.Id == query.Id);

    private bool IsCurrentLease(WebhookTask task, out WebhookTask stored) =>
        _tasks.TryGetValue(task.Id, out stored!) && stored.Status == WebhookTaskStatus.Processing && task.LeaseId is not null && stored.LeaseId == task.LeaseId;

    private void Commit(List<WebhookTask> tasks, List<(string Webhook, string Key)> claims)
    {
        lock (_gate)
        {
            foreach (var task in tasks)
            {
                if (_tasks.ContainsKey(task.Id))
                {
                    throw new InvalidOperationException($"A task with id {task.Id} is already stored.");
                }
            }

            foreach (var task in tasks)
            {
                _tasks.Add(task.Id, task);
                _due.Add((task.DueAt ?? task.CreatedAt, task.Id));
            }

            foreach (var key in claims)
            {
                var claim = _claims[key];
                _claims[key] = new Claim(claim.Pending!.Request, null);
                claim.Pending.Done.TrySetResult();
            }
        }
    }

    private async ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest request, Batch owner, CancellationToken cancellationToken)
    {
        var key = (request.Webhook, request.Key);
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                var now = _timeProvider.GetUtcNow();
                if (!_claims.TryGetValue(key, out var claim) || (claim.Request is { } expired && expired.ExpiresAt <= now))
                {
                    _claims[key] = new Claim(null, new PendingClaim(owner, request, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)));
                    return null;
                }

                if (claim.Request is { } held)
                {
                    return held;
                }

                if (claim.Pending!.Owner == owner)
                {
                    throw new InvalidOperationException("This batch already claims the key.");
                }

                wait = claim.Pending.Done.Task;
            }

            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Abandon(Batch owner, List<(string Webhook, string Key)> claims)
    {
        lock (_gate)
        {
            foreach (var key in claims)
            {
                if (_claims.TryGetValue(key, out var claim) && claim.Pending?.Owner == owner)
                {
                    _claims.Remove(key);
                    claim.Pending.Done.TrySetResult();
                }
            }
        }
    }

    /// <summary>A committed claim (<see cref="Request"/>), or one an uncommitted batch holds (<see cref="Pending"/>).</summary>
    private sealed record Claim(IdempotentRequest? Request, PendingClaim? Pending);

    private sealed record PendingClaim(Batch Owner, IdempotentRequest Request, TaskCompletionSource Done);

    private sealed class Batch(InMemoryTaskStore store) : ITaskBatch
    {
        private readonly List<(string Webhook, string Key)> _claims = [];
        private List<WebhookTask>? _staged = [];

        public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(tasks);
            cancellationToken.ThrowIfCancellationRequested();
            (_staged ?? throw new InvalidOperationException("The batch is already committed or disposed.")).AddRange(tasks);
            return ValueTask.CompletedTask;
        }

        public async ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(claim);
            _ = _staged ?? throw new InvalidOperationException("The batch is already committed or disposed.");
            var held = await store.ClaimAsync(claim, this, cancellationToken).ConfigureAwait(false);
            if (held is null)
            {
                _claims.Add((claim.Webhook, claim.Key));
            }

            return held;
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            store.Commit(_staged ?? throw new InvalidOperationException("The batch is already committed or disposed."), _claims);
            _staged = null;
            _claims.Clear();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            if (_staged is not null)
            {
                store.Abandon(this, _claims);
            }

            _staged = null;
            return ValueTask.CompletedTask;
        }
    }
}
