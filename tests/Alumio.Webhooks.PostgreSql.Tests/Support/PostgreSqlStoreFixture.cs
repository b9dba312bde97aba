using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.PostgreSql.Tests.Support;

/// <summary>A fresh schema per test with a store on it and a fake clock; further stores on the same schema stand for other instances.</summary>
public abstract class PostgreSqlStoreFixture
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);

    private readonly List<PostgreSqlTaskStore> _others = [];

    protected string Schema { get; private set; } = null!;

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected PostgreSqlTaskStore Store { get; private set; } = null!;

    [SetUp]
    public async Task CreateStore()
    {
        Schema = TestDatabase.NewSchema();
        Time = new FakeTimeProvider(Start);
        Store = TestDatabase.CreateStore(Time, Schema);
        await Store.InitializeAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task DropSchema()
    {
        if (Store is null)
        {
            return;
        }

        await Store.DisposeAsync();
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }

        _others.Clear();
        await TestDatabase.DropSchemaAsync(Schema);
    }

    /// <summary>Another store on the same schema and clock, as another application instance has; disposed after the test.</summary>
    protected async Task<PostgreSqlTaskStore> OpenAnotherStoreAsync(string? connectionString = null)
    {
        var store = TestDatabase.CreateStore(Time, Schema, connectionString: connectionString);
        _others.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }
}
