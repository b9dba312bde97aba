using Alumio.Webhooks.Sqlite.Tests.Support;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Tasks.Contract;

namespace Alumio.Webhooks.Sqlite.Tests.Tasks;

/// <summary>The SQLite store against the store contract, each test on a database file of its own.</summary>
public class SqliteTaskStoreTests : TaskStoreContractTests
{
    private TempDatabase? _database;

    protected override ValueTask<ITaskStore> CreateStoreAsync(TimeProvider time)
    {
        _database = new TempDatabase();
        return ValueTask.FromResult<ITaskStore>(new SqliteTaskStore(_database.ConnectionString, new SqliteTaskStoreOptions(), time));
    }

    protected override async ValueTask DisposeStoreAsync(ITaskStore store)
    {
        await base.DisposeStoreAsync(store);
        _database?.Delete();
    }
}
