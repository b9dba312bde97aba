using System.Runtime.InteropServices;

namespace Alumio.Webhooks.Tasks;

/// <summary>
/// Keeps tasks in process memory. Fit for tests and demos only: tasks do not survive a restart, which the host logs
/// once at start-up.
/// </summary>
/// <remarks>
/// Tasks are held as values in a table by id (<see cref="InMemoryTaskTable"/>), their ids in an ascending array for
/// listing, and the queue of due tasks in an ascending array for committed tasks plus a sorted set for leases and
/// retries. So a stored task costs the garbage collector no object of its own (only its entity, shared by the tasks
/// of one item, stays one), and a commit holds the lock only for a few array writes.
/// </remarks>
public sealed class InMemoryTaskStore : ITaskStore
{
    private readonly Lock _gate = new();
    private readonly InMemoryTaskTable _tasks = new();
    private readonly SortedIds _ids = new();
    private readonly DueQueue _due = new();
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
            var chosen = new List<Guid>();
            _due.Take(now, request.MaxCount, id => Wanted(_tasks[id], request), chosen);
            foreach (var id in chosen)
            {
                var task = _tasks[id] with
                {
                    Status = WebhookTaskStatus.Processing,
                    LeaseId = Guid.NewGuid(),
                    DueAt = now + request.Duration,
                    UpdatedAt = now,
                };
                _tasks[id] = task;
                _due.Add(task.DueAt!.Value, id);
                leased.Add(task);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<WebhookTask>>(leased);
    }

    /// <inheritdoc />
    public ValueTask<bool> CompleteAsync(WebhookTask task, TaskAttempt? attempt, CancellationToken cancellationToken) =>
        BranchAsync(task, attempt, [], cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> BranchAsync(WebhookTask task, TaskAttempt? attempt, IReadOnlyList<WebhookTask> branches, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(branches);
        cancellationToken.ThrowIfCancellationRequested();
        TaskOutcomes.Check(task, branches);
        lock (_gate)
        {
            if (!IsCurrentLease(task, out var stored))
            {
                return ValueTask.FromResult(false);
            }

            // Checked before anything changes, so a refused step leaves the store as it was; a completion has no branches.
            var ids = branches.Count == 0 ? null : new HashSet<Guid>();
            foreach (var branch in branches)
            {
                if (_tasks.ContainsKey(branch.Id) || !ids!.Add(branch.Id))
                {
                    throw new InvalidOperationException($"A task with id {branch.Id} is already stored.");
                }
            }

            _due.Remove(stored.DueAt!.Value, stored.Id);
            var completed = task with
            {
                LeaseId = null,
                DueAt = task.Status == WebhookTaskStatus.Retry ? task.DueAt : null,
                UpdatedAt = _timeProvider.GetUtcNow(),
            };
            _tasks[task.Id] = completed;
            if (completed.DueAt is { } due)
            {
                _due.Add(due, completed.Id);
            }

            if (attempt is not null)
            {
                if (!_attempts.TryGetValue(task.Id, out var history))
                {
                    _attempts[task.Id] = history = [];
                }

                history.Add(attempt);
            }

            foreach (var branch in branches)
            {
                _tasks.Add(branch.Id, branch);
                _ids.Add(branch.Id);
                _due.Add(branch.DueAt ?? branch.CreatedAt, branch.Id);
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
                    _due.Remove(stored.DueAt!.Value, stored.Id);
                    var released = stored with
                    {
                        Status = stored.Attempts == 0 ? WebhookTaskStatus.New : WebhookTaskStatus.Retry,
                        LeaseId = null,
                        DueAt = stored.Attempts == 0 ? null : now,
                        UpdatedAt = now,
                    };
                    _tasks[task.Id] = released;
                    _due.Add(released.DueAt ?? released.CreatedAt, released.Id);
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
            var ids = _ids.AsSpan();
            for (var i = query.After is { } after ? _ids.IndexAfter(after) : 0; i < ids.Length; i++)
            {
                var task = _tasks[ids[i]];
                if (!Matches(task, query))
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
        var anyStatus = filter with { Status = null };
        lock (_gate)
        {
            foreach (var id in _ids.AsSpan())
            {
                var task = _tasks[id];
                if (task.Status == WebhookTaskStatus.Failed && Matches(task, anyStatus))
                {
                    _tasks[id] = task with { Status = WebhookTaskStatus.Retry, DueAt = now, UpdatedAt = now };
                    _due.Add(now, id);
                    count++;
                }
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
            var ids = _ids.AsSpan();
            var kept = 0;
            foreach (var id in ids)
            {
                var task = _tasks[id];
                if (task.Status is WebhookTaskStatus.Finished or WebhookTaskStatus.Skipped && task.UpdatedAt < updatedBefore)
                {
                    _tasks.Remove(id);
                    _attempts.Remove(id);
                }
                else
                {
                    ids[kept++] = id;
                }
            }

            var pruned = ids.Length - kept;
            _ids.Truncate(kept);

            var now = _timeProvider.GetUtcNow();
            foreach (var (key, claim) in _claims.ToList())
            {
                if (claim.Request is { } request && request.ExpiresAt <= now)
                {
                    _claims.Remove(key);
                }
            }

            return ValueTask.FromResult(pruned);
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
            for (var i = 0; i < tasks.Count; i++)
            {
                if (!_tasks.TryAdd(tasks[i].Id, tasks[i]))
                {
                    // Stored already, or twice in the batch: nothing of the batch is stored.
                    for (var added = 0; added < i; added++)
                    {
                        _tasks.Remove(tasks[added].Id);
                    }

                    throw new InvalidOperationException($"A task with id {tasks[i].Id} is already stored.");
                }
            }

            foreach (var task in tasks)
            {
                _ids.Add(task.Id);
                _due.AddCommitted(task.DueAt ?? task.CreatedAt, task.Id);
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

    /// <summary>Ids in ascending order, in one array. Ids mostly arrive in order (version 7), so adding one is mostly appending it.</summary>
    private sealed class SortedIds
    {
        private readonly List<Guid> _ids = [];

        public Span<Guid> AsSpan() => CollectionsMarshal.AsSpan(_ids);

        public void Add(Guid id)
        {
            if (_ids.Count == 0 || _ids[^1].CompareTo(id) < 0)
            {
                _ids.Add(id);
                return;
            }

            var index = _ids.BinarySearch(id);
            _ids.Insert(index < 0 ? ~index : index, id);
        }

        /// <summary>The index of the first id greater than <paramref name="id"/>.</summary>
        public int IndexAfter(Guid id)
        {
            var index = _ids.BinarySearch(id);
            return index < 0 ? ~index : index + 1;
        }

        /// <summary>Keeps the first <paramref name="count"/> ids.</summary>
        public void Truncate(int count) => _ids.RemoveRange(count, _ids.Count - count);
    }

    /// <summary>
    /// The due tasks in (due time, id) order. Committed tasks, due from their creation and so arriving in about that
    /// order, go to an ascending array that leases take from the front, leaving marks behind; leases, retries and released
    /// tasks, few at a time, go to a sorted set. A lease reads both in order.
    /// </summary>
    private sealed class DueQueue
    {
        /// <summary>Below this many dead entries the array is not compacted.</summary>
        private const int CompactAfter = 1024;

        private readonly List<Entry> _committed = [];
        private readonly SortedSet<(DateTimeOffset Due, Guid Id)> _others = [];

        /// <summary>The first entry of <see cref="_committed"/> that may be live; every one before it is taken.</summary>
        private int _head;

        /// <summary>How many entries at or after <see cref="_head"/> are taken.</summary>
        private int _taken;

        public void AddCommitted(DateTimeOffset due, Guid id)
        {
            var entry = new Entry(due, id);
            var count = _committed.Count;
            if (count == _head || Compare(_committed[count - 1], entry) < 0)
            {
                _committed.Add(entry);
                return;
            }

            int low = _head, high = count;
            while (low < high)
            {
                var middle = low + ((high - low) / 2);
                if (Compare(_committed[middle], entry) < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            _committed.Insert(low, entry);
        }

        public void Add(DateTimeOffset due, Guid id) => _others.Add((due, id));

        public void Remove(DateTimeOffset due, Guid id)
        {
            if (_others.Remove((due, id)))
            {
                return;
            }

            var entries = CollectionsMarshal.AsSpan(_committed)[_head..];
            var index = entries.BinarySearch(new Entry(due, id), EntryComparer.Instance);
            if (index >= 0 && !entries[index].Taken)
            {
                entries[index].Taken = true;
                _taken++;
                Tidy();
            }
        }

        /// <summary>Takes up to <paramref name="max"/> entries due by <paramref name="now"/> that <paramref name="wanted"/> accepts, oldest due first.</summary>
        public void Take(DateTimeOffset now, int max, Func<Guid, bool> wanted, List<Guid> chosen)
        {
            var committed = CollectionsMarshal.AsSpan(_committed);
            var next = _head;
            List<(DateTimeOffset Due, Guid Id)>? fromOthers = null;
            using (var others = _others.GetEnumerator())
            {
                var hasOther = others.MoveNext();
                while (chosen.Count < max)
                {
                    while (next < committed.Length && committed[next].Taken)
                    {
                        next++;
                    }

                    var hasCommitted = next < committed.Length;
                    if (!hasCommitted && !hasOther)
                    {
                        break;
                    }

                    var fromCommitted = hasCommitted && (!hasOther || Compare(committed[next], new Entry(others.Current.Due, others.Current.Id)) < 0);
                    var (due, id) = fromCommitted ? (committed[next].Due, committed[next].Id) : others.Current;
                    if (due > now)
                    {
                        break;
                    }

                    if (wanted(id))
                    {
                        chosen.Add(id);
                        if (fromCommitted)
                        {
                            committed[next].Taken = true;
                            _taken++;
                        }
                        else
                        {
                            (fromOthers ??= []).Add((due, id));
                        }
                    }

                    if (fromCommitted)
                    {
                        next++;
                    }
                    else
                    {
                        hasOther = others.MoveNext();
                    }
                }
            }

            if (fromOthers is not null)
            {
                foreach (var entry in fromOthers)
                {
                    _others.Remove(entry);
                }
            }

            Tidy();
        }

        private static int Compare(Entry left, Entry right)
        {
            var byDue = left.Due.CompareTo(right.Due);
            return byDue != 0 ? byDue : left.Id.CompareTo(right.Id);
        }

        /// <summary>Moves the head past taken entries, and drops them from the array once they are many.</summary>
        private void Tidy()
        {
            var committed = CollectionsMarshal.AsSpan(_committed);
            while (_head < committed.Length && committed[_head].Taken)
            {
                _head++;
                _taken--;
            }

            if (_head > CompactAfter && _head > committed.Length / 2)
            {
                _committed.RemoveRange(0, _head);
                _head = 0;
            }
            else if (_taken > CompactAfter && _taken > (committed.Length - _head) / 2)
            {
                _committed.RemoveAll(entry => entry.Taken);
                _head = 0;
                _taken = 0;
            }
        }

        private struct Entry(DateTimeOffset due, Guid id)
        {
            public readonly DateTimeOffset Due = due;
            public readonly Guid Id = id;
            public bool Taken;
        }

        private sealed class EntryComparer : IComparer<Entry>
        {
            public static readonly EntryComparer Instance = new();

            public int Compare(Entry x, Entry y) => DueQueue.Compare(x, y);
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
