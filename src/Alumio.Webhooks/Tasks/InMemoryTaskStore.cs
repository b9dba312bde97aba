namespace Alumio.Webhooks.Tasks;

/// <summary>
/// Keeps tasks in process memory. Fit for tests and demos only: tasks do not survive a restart.
/// </summary>
public sealed class InMemoryTaskStore : ITaskStore
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<Guid, WebhookTask> _tasks = [];
    private readonly Queue<Guid> _due = new();
    private readonly Dictionary<Guid, DateTimeOffset> _leases = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Initializes a new instance of the <see cref="InMemoryTaskStore"/> class.</summary>
    /// <param name="timeProvider">The clock used for leases.</param>
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
    public ValueTask<IReadOnlyList<WebhookTask>> LeaseAsync(int maxCount, TimeSpan leaseDuration, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(leaseDuration, TimeSpan.Zero);
        cancellationToken.ThrowIfCancellationRequested();

        var now = _timeProvider.GetUtcNow();
        var leased = new List<WebhookTask>();
        lock (_gate)
        {
            // Leases that ran out come back first: their processor is gone.
            foreach (var (id, expiresAt) in _leases.ToArray())
            {
                if (leased.Count == maxCount)
                {
                    break;
                }

                if (expiresAt <= now)
                {
                    leased.Add(Lease(id, now, leaseDuration));
                }
            }

            while (leased.Count < maxCount && _due.TryDequeue(out var id))
            {
                if (_tasks[id].Status == WebhookTaskStatus.New)
                {
                    leased.Add(Lease(id, now, leaseDuration));
                }
            }
        }

        return ValueTask.FromResult<IReadOnlyList<WebhookTask>>(leased);
    }

    /// <inheritdoc />
    public ValueTask UpdateAsync(WebhookTask task, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_gate)
        {
            if (!_tasks.ContainsKey(task.Id))
            {
                throw new InvalidOperationException($"No task with id {task.Id} is stored.");
            }

            _tasks[task.Id] = task;
            _leases.Remove(task.Id);
            if (task.Status == WebhookTaskStatus.New)
            {
                _due.Enqueue(task.Id);
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

    private static bool Matches(WebhookTask task, TaskQuery query) =>
        (query.Webhook is null || string.Equals(task.Webhook, query.Webhook, StringComparison.OrdinalIgnoreCase))
        && (query.Route is null || string.Equals(task.Route, query.Route, StringComparison.OrdinalIgnoreCase))
        && (query.Status is null || task.Status == query.Status)
        && (query.RequestId is null || task.RequestId == query.RequestId);

    private void Commit(List<WebhookTask> tasks)
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
                _due.Enqueue(task.Id);
            }
        }
    }

    private WebhookTask Lease(Guid id, DateTimeOffset now, TimeSpan leaseDuration)
    {
        var task = _tasks[id] with { Status = WebhookTaskStatus.Processing, UpdatedAt = now };
        _tasks[id] = task;
        _leases[id] = now + leaseDuration;
        return task;
    }

    /// <summary>Holds a request's tasks aside until the commit.</summary>
    private sealed class Batch(InMemoryTaskStore store) : ITaskBatch
    {
        private List<WebhookTask>? _staged = [];

        public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
        {
            ArgumentNullException.ThrowIfNull(tasks);
            cancellationToken.ThrowIfCancellationRequested();
            (_staged ?? throw new InvalidOperationException("The batch is already committed or disposed.")).AddRange(tasks);
            return ValueTask.CompletedTask;
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            store.Commit(_staged ?? throw new InvalidOperationException("The batch is already committed or disposed."));
            _staged = null;
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _staged = null;
            return ValueTask.CompletedTask;
        }
    }
}
