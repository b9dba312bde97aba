// Rough throughput of the PostgreSQL task store, with Stopwatch: not a benchmark suite, and not a test.
//
//   source .ci/postgres
//   dotnet run -c Release --project tests/Alumio.Webhooks.PostgreSql.Measure [tasks] [seconds]
//
// 1. Leases and completes: two store instances (two "hosts", each with its own connection pool) share one schema
//    holding `tasks` new tasks (default 20,000); each runs 4 workers that lease 32 tasks at a time and complete every
//    task one by one with an attempt, as the processor does. Reports completed tasks per second.
// 2. Commits: 8 concurrent writers on one store commit small batches (2 tasks each: one item, two routes; then the same
//    with an idempotency claim per batch) for `seconds` (default 10). Reports commits per second.
// Each run uses a fresh schema, dropped at the end.
using System.Diagnostics;
using Alumio.Webhooks.PostgreSql;
using Alumio.Webhooks.Tasks;
using Npgsql;

var connectionString = Environment.GetEnvironmentVariable("ALUMIO_TEST_POSTGRES")
    ?? throw new InvalidOperationException("Set ALUMIO_TEST_POSTGRES (source .ci/postgres).");
var taskCount = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20_000;
var seconds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;
var schema = "alumio_measure_" + Guid.NewGuid().ToString("N")[..8];
var time = TimeProvider.System;
var entity = """{"orderId":"1001","lines":[{"sku":"A-1","qty":2},{"sku":"B-7","qty":1}],"tracking":"3SABC0123456789"}"""u8.ToArray();

await using (var version = NpgsqlDataSource.Create(connectionString))
{
    await using var command = version.CreateCommand("SHOW server_version");
    Console.WriteLine($"PostgreSQL {await command.ExecuteScalarAsync()}, {Environment.ProcessorCount} cores, schema {schema}");
}

var first = new PostgreSqlTaskStore(connectionString, time, new PostgreSqlTaskStoreOptions { Schema = schema });
var second = new PostgreSqlTaskStore(connectionString, time, new PostgreSqlTaskStoreOptions { Schema = schema });
try
{
    await first.InitializeAsync(CancellationToken.None);
    await second.InitializeAsync(CancellationToken.None);

    // 1. Leases and completes with two instances.
    var batch = await first.BeginBatchAsync(CancellationToken.None);
    await using (batch)
    {
        var part = new List<WebhookTask>(512);
        for (var i = 0; i < taskCount; i++)
        {
            var now = time.GetUtcNow();
            part.Add(new WebhookTask(Guid.CreateVersion7(now), "r" + (i / 2), "wms", i % 2 == 0 ? "erp" : "shop", entity, WebhookTaskStatus.New, 0, null, now, now));
            if (part.Count == 512 || i == taskCount - 1)
            {
                await batch.AddAsync(part, CancellationToken.None);
                part.Clear();
            }
        }

        await batch.CommitAsync(CancellationToken.None);
    }

    var completed = new int[2];
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
    {
        var host = worker % 2;
        var store = host == 0 ? first : second;
        IReadOnlyList<WebhookTask> leased;
        while ((leased = await store.LeaseAsync(new TaskLeaseRequest(32, TimeSpan.FromMinutes(5)), CancellationToken.None)).Count > 0)
        {
            foreach (var task in leased)
            {
                var now = time.GetUtcNow();
                if (!await store.CompleteAsync(task with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, new TaskAttempt(1, now, now, WebhookTaskStatus.Finished, null), CancellationToken.None))
                {
                    throw new InvalidOperationException("A live lease was lost.");
                }

                Interlocked.Increment(ref completed[host]);
            }
        }
    })));
    clock.Stop();
    Console.WriteLine($"Leases+completes, 2 instances x 4 workers, lease 32: {taskCount} tasks in {clock.Elapsed.TotalSeconds:F2} s = {taskCount / clock.Elapsed.TotalSeconds:F0} tasks/s (instance 1: {completed[0]}, instance 2: {completed[1]})");

    // 2. Small batches from 8 concurrent writers, without and with an idempotency claim.
    foreach (var claim in new[] { false, true })
    {
        var commits = 0;
        var deadline = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var tasks = new List<WebhookTask>(2);
            while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
            {
                var now = time.GetUtcNow();
                var requestId = Guid.CreateVersion7(now).ToString();
                tasks.Clear();
                tasks.Add(new WebhookTask(Guid.CreateVersion7(now), requestId, "wms", "erp", entity, WebhookTaskStatus.New, 0, null, now, now));
                tasks.Add(new WebhookTask(Guid.CreateVersion7(now), requestId, "wms", "shop", entity, WebhookTaskStatus.New, 0, null, now, now));
                var small = await first.BeginBatchAsync(CancellationToken.None);
                await using (small)
                {
                    await small.AddAsync(tasks, CancellationToken.None);
                    if (claim && await small.ClaimAsync(new IdempotentRequest("wms", requestId, requestId, 1, 2, now + TimeSpan.FromDays(1)), CancellationToken.None) is not null)
                    {
                        throw new InvalidOperationException("A fresh key was held.");
                    }

                    await small.CommitAsync(CancellationToken.None);
                }

                Interlocked.Increment(ref commits);
            }
        })));
        var elapsed = deadline.Elapsed.TotalSeconds;
        Console.WriteLine($"Commits, 8 writers, 2 tasks per batch{(claim ? " + 1 idempotency claim" : string.Empty)}: {commits} in {elapsed:F1} s = {commits / elapsed:F0} commits/s ({2 * commits / elapsed:F0} tasks/s)");
    }
}
finally
{
    await first.DisposeAsync();
    await second.DisposeAsync();
    await using var cleanup = NpgsqlDataSource.Create(connectionString);
    await using var drop = cleanup.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
    await drop.ExecuteNonQueryAsync();
}
