using System.Globalization;
using Alumio.Webhooks.Tasks;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.Sqlite.Tests.Support;

/// <summary>A temporary database, a fake clock, and helpers to open stores on the file and look into it directly.</summary>
public abstract class SqliteStoreFixture
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly List<SqliteTaskStore> _stores = [];
    private readonly List<TempDatabase> _databases = [];

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected TempDatabase Database { get; private set; } = null!;

    [SetUp]
    public void CreateDatabase()
    {
        Time = new FakeTimeProvider(Start);
        Database = NewDatabase();
    }

    [TearDown]
    public async Task DeleteDatabases()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        foreach (var database in _databases)
        {
            database.Delete();
        }
    }

    protected TempDatabase NewDatabase()
    {
        var database = new TempDatabase();
        _databases.Add(database);
        return database;
    }

    protected TempDatabase CrashCopy(TempDatabase database)
    {
        var copy = database.CrashCopy();
        _databases.Add(copy);
        return copy;
    }

    /// <summary>Opens a store on <paramref name="database"/> (the test's own by default), closed after the test.</summary>
    protected SqliteTaskStore Open(TempDatabase? database = null, Action<SqliteTaskStoreOptions>? configure = null)
    {
        var options = new SqliteTaskStoreOptions();
        configure?.Invoke(options);
        var store = new SqliteTaskStore((database ?? Database).ConnectionString, options, Time);
        _stores.Add(store);
        return store;
    }

    /// <summary>Runs a query on its own unpooled connection, past the store: what the file holds, staged rows included.</summary>
    protected static long Scalar(TempDatabase database, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>A new task created now; the clock then moves on a millisecond.</summary>
    protected WebhookTask NewTask(string requestId, string route = "erp", string webhook = "wms")
    {
        var now = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return new WebhookTask(Guid.CreateVersion7(now), requestId, webhook, route, """{"orderId":"1"}"""u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
    }

    protected static async Task<List<WebhookTask>> AllAsync(ITaskStore store, TaskQuery? query = null)
    {
        var all = new List<WebhookTask>();
        Guid? after = null;
        do
        {
            var page = await store.QueryAsync((query ?? new TaskQuery()) with { Limit = TaskQuery.MaxLimit, After = after }, CancellationToken.None);
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return all;
    }

    /// <summary>Waits, without a clock, until a condition holds: for work the store finishes in the background.</summary>
    protected static async Task EventuallyAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("The condition did not hold within 30 seconds.");
            }

            await Task.Delay(10);
        }
    }
}
