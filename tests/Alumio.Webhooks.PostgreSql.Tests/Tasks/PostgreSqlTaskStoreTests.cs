using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Tasks.Contract;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>The PostgreSQL store against the store contract, each test in a fresh schema that is dropped afterwards.</summary>
public class PostgreSqlTaskStoreTests : TaskStoreContractTests
{
    protected override async ValueTask<ITaskStore> CreateStoreAsync(TimeProvider time)
    {
        var store = TestDatabase.CreateStore(time, TestDatabase.NewSchema());
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    protected override async ValueTask DisposeStoreAsync(ITaskStore store)
    {
        if (store is PostgreSqlTaskStore postgres)
        {
            await postgres.DisposeAsync();
            await TestDatabase.DropSchemaAsync(postgres.Schema.Name);
        }
    }
}
