using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Tasks.Contract;

namespace Alumio.Webhooks.Tests.Tasks;

/// <summary>The in-memory store against the store contract.</summary>
public class InMemoryTaskStoreTests : TaskStoreContractTests
{
    protected override ValueTask<ITaskStore> CreateStoreAsync(TimeProvider time) => ValueTask.FromResult<ITaskStore>(new InMemoryTaskStore(time));
}
