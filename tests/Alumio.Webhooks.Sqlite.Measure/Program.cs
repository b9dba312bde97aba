// Rough throughput of the SQLite task store, with Stopwatch: not a benchmark suite, and not a test.
//
//   dotnet run -c Release --project tests/Alumio.Webhooks.Sqlite.Measure [seconds] [folder]
//
// 1. Commits: 8 concurrent writers each commit batches of one task (AddAsync + CommitAsync, as a one-item request on
//    one route) for `seconds` (default 5): with group commit, then with one writer operation per transaction (group
//    commit off), then with group commit again. Reports commits per second and how many transactions carried them.
// 2. A large request: 100,000 tasks added in parts of 512, then committed; then listed 500 at a time.
// 3. Leases and completes: 4 workers lease 32 tasks at a time from those 100,000 and complete each one with an attempt.
// Each run uses a fresh file in `folder` (default: the temporary folder), deleted at the end. Every commit is
// synchronous=FULL, so the figures depend on how fast the disk syncs.
using System.Diagnostics;
using System.Globalization;
using Alumio.Webhooks.Sqlite;
using Alumio.Webhooks.Tasks;

var seconds = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5;
var folder = args.Length > 1 ? args[1] : Path.GetTempPath();
var entity = """{"orderId":"1001","lines":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"tracking":"3SABC0123456789"}"""u8.ToArray();
Console.WriteLine($"{Environment.ProcessorCount} cores, files in {folder}");

foreach (var grouped in new[] { true, false, true })
{
    await WithStoreAsync(async store =>
    {
        if (!grouped)
        {
            store.Writer.MaxGroupSize = 1;
        }

        var commits = 0L;
        var transactions = store.Transactions;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                await store.AddAsync([NewTask("r" + writer)], CancellationToken.None);
                Interlocked.Increment(ref commits);
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        transactions = store.Transactions - transactions;
        Console.WriteLine($"commits, group commit {(grouped ? "on " : "off")}: {commits / elapsed,7:F0}/s ({commits} commits in {transactions} transactions, {(double)commits / transactions:F1} per transaction, 8 writers, {elapsed:F1} s)");
    });
}

await WithStoreAsync(async store =>
{
    var clock = Stopwatch.StartNew();
    var batch = await store.BeginBatchAsync(CancellationToken.None);
    await using (batch)
    {
        var part = new List<WebhookTask>(512);
        for (var i = 0; i < 100_000; i++)
        {
            part.Add(NewTask("large"));
            if (part.Count == 512)
            {
                await batch.AddAsync(part, CancellationToken.None);
                part.Clear();
            }
        }

        await batch.AddAsync(part, CancellationToken.None);
        var staged = clock.Elapsed.TotalSeconds;
        clock.Restart();
        await batch.CommitAsync(CancellationToken.None);
        Console.WriteLine($"large request: 100,000 tasks added in {staged:F2} s ({100_000 / staged:F0}/s), committed in {clock.Elapsed.TotalSeconds:F2} s");
    }

    clock.Restart();
    var listed = 0;
    Guid? after = null;
    do
    {
        var page = await store.QueryAsync(new TaskQuery { RequestId = "large", Limit = TaskQuery.MaxLimit, After = after }, CancellationToken.None);
        listed += page.Items.Count;
        after = page.Next;
    }
    while (after is not null);
    Console.WriteLine($"listing: {listed} tasks in {clock.Elapsed.TotalSeconds:F2} s ({listed / clock.Elapsed.TotalSeconds:F0}/s)");

    clock.Restart();
    var completed = 0L;
    await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            var leased = await store.LeaseAsync(new TaskLeaseRequest(32, TimeSpan.FromMinutes(1)), CancellationToken.None);
            if (leased.Count == 0)
            {
                return;
            }

            await Task.WhenAll(leased.Select(async task =>
            {
                var now = DateTimeOffset.UtcNow;
                await store.CompleteAsync(task with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, new TaskAttempt(1, now, now, WebhookTaskStatus.Finished, null), CancellationToken.None);
                Interlocked.Increment(ref completed);
            }));
        }
    })));
    Console.WriteLine($"leases and completes: {completed / clock.Elapsed.TotalSeconds:F0} tasks/s (4 workers, 32 per lease, {completed} in {clock.Elapsed.TotalSeconds:F1} s)");
});

WebhookTask NewTask(string requestId)
{
    var now = DateTimeOffset.UtcNow;
    return new WebhookTask(Guid.CreateVersion7(now), requestId, "orders", "erp", entity, WebhookTaskStatus.New, 0, null, now, now);
}

async Task WithStoreAsync(Func<SqliteTaskStore, Task> measure)
{
    var path = Path.Combine(folder, $"alumio-measure-{Guid.NewGuid():N}.db");
    try
    {
        await using var store = new SqliteTaskStore($"Data Source={path}", new SqliteTaskStoreOptions(), TimeProvider.System);
        await measure(store);
    }
    finally
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", ".lock" })
        {
            File.Delete(path + suffix);
        }
    }
}
