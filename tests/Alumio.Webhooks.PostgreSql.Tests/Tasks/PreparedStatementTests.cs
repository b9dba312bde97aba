using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;
using Npgsql;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>A store made from a connection string prepares the statements it runs over and over, unless told not to.</summary>
public class PreparedStatementTests : PostgreSqlStoreFixture
{
    [Test]
    public async Task Statements_the_store_runs_again_and_again_are_prepared_on_its_connections()
    {
        new NpgsqlConnectionStringBuilder(Store.DataSource.ConnectionString).MaxAutoPrepare.Should().Be(PostgreSqlTaskStore.AutoPrepare);
        (await PreparedAfterReadsAsync(Store)).Should().BeGreaterThan(0, "a statement run five times on a connection is prepared there");
    }

    [TestCase("Max Auto Prepare=0")]
    [TestCase("maxautoprepare=0")]
    public async Task A_connection_string_that_sets_Max_Auto_Prepare_is_followed(string setting)
    {
        var store = await OpenAnotherStoreAsync(TestDatabase.ConnectionString + ";" + setting);

        new NpgsqlConnectionStringBuilder(store.DataSource.ConnectionString).MaxAutoPrepare.Should().Be(0);
        (await PreparedAfterReadsAsync(store)).Should().Be(0, "a pooler that cannot keep prepared statements is told so in the connection string");
    }

    [Test]
    public async Task Commits_go_on_storing_and_notifying_once_their_statements_are_prepared()
    {
        var listener = await OpenAnotherStoreAsync();
        var notifications = 0;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var listen = listener.ListenAsync(() => Interlocked.Increment(ref notifications), listening.SetResult, stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // One after another, so each is a group of its own: the group insert and the notification run twelve times.
        var ids = new List<Guid>();
        for (var commit = 0; commit < 12; commit++)
        {
            var now = Time.GetUtcNow();
            WebhookTask[] tasks = [NewTask(now), NewTask(now)];
            ids.AddRange(tasks.Select(task => task.Id));
            await Store.AddAsync(tasks, CancellationToken.None);
        }

        await Eventually.Async(() => Volatile.Read(ref notifications) == 12, "every commit notifies, the prepared ones too");
        foreach (var id in ids)
        {
            (await Store.GetAsync(id, CancellationToken.None)).Should().NotBeNull();
        }

        await stop.CancelAsync();
        var stopped = async () => await listen;
        await stopped.Should().ThrowAsync<OperationCanceledException>();
    }

    /// <summary>Reads through the store often enough for any statement to qualify, then counts what its connections prepared.</summary>
    private static async Task<long> PreparedAfterReadsAsync(PostgreSqlTaskStore store)
    {
        for (var read = 0; read < 40; read++)
        {
            (await store.GetAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
        }

        // Sequential reads reuse the pool's few physical connections; each ran the read far more than five times.
        await using var connection = await store.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%tasks%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static WebhookTask NewTask(DateTimeOffset now) =>
        new(Guid.CreateVersion7(now), "r1", "hook", "r", "{}"u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
}
