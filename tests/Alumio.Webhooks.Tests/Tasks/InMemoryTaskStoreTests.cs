using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Tasks.Contract;

namespace Alumio.Webhooks.Tests.Tasks;

/// <summary>The in-memory store against the store contract, and its own layout at sizes the contract does not reach.</summary>
public class InMemoryTaskStoreTests : TaskStoreContractTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Test]
    public async Task Thousands_of_tasks_committed_out_of_order_are_leased_by_due_time_and_listed_by_id()
    {
        var random = new Random(7);
        var tasks = Enumerable.Range(0, 5_000).Select(i => NewTask("r" + (i / 2), i % 2 == 0 ? "erp" : "shop")).ToList();
        var shuffled = tasks.Chunk(2).OrderBy(_ => random.Next()).ToList();
        foreach (var request in shuffled)
        {
            await Store.AddAsync(request, CancellationToken.None);
        }

        var listed = new List<Guid>();
        Guid? after = null;
        do
        {
            var page = await Store.QueryAsync(new TaskQuery { Limit = TaskQuery.MaxLimit, After = after }, CancellationToken.None);
            listed.AddRange(page.Items.Select(t => t.Id));
            after = page.Next;
        }
        while (after is not null);

        // Shop tasks only first, leaving every other committed task behind, then the rest.
        var shop = await LeaseAllAsync(new TaskLeaseRequest(97, Lease) { Routes = ["shop"] });
        var rest = await LeaseAllAsync(new TaskLeaseRequest(97, Lease));

        listed.Should().Equal(tasks.Select(t => t.Id).Order());
        shop.Should().Equal(tasks.Where(t => t.Route == "shop").OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => t.Id));
        rest.Should().Equal(tasks.Where(t => t.Route == "erp").OrderBy(t => t.CreatedAt).ThenBy(t => t.Id).Select(t => t.Id));
    }

    [Test]
    public async Task Committed_tasks_retries_and_expired_leases_are_leased_together_by_due_time()
    {
        var early = NewTask("r1", "erp");
        var retried = NewTask("r2", "erp");
        var leasedOnce = NewTask("r3", "erp");
        await Store.AddAsync([early, retried, leasedOnce], CancellationToken.None);
        var leased = await Store.LeaseAsync(new TaskLeaseRequest(1, Lease) { RequestId = "r2" }, CancellationToken.None);
        await Store.CompleteAsync(leased[0] with { Status = WebhookTaskStatus.Retry, Attempts = 1, DueAt = Time.GetUtcNow() + TimeSpan.FromSeconds(10) }, null, CancellationToken.None);
        await Store.LeaseAsync(new TaskLeaseRequest(1, TimeSpan.FromSeconds(5)) { RequestId = "r3" }, CancellationToken.None);
        var late = NewTask("r4", "erp");
        Time.Advance(TimeSpan.FromSeconds(20));
        var later = NewTask("r5", "erp");
        await Store.AddAsync([late, later], CancellationToken.None);

        var order = await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None);

        order.Select(t => t.RequestId).Should().Equal("r1", "r4", "r3", "r2", "r5");
    }

    [Test]
    public async Task A_batch_that_holds_an_id_twice_stores_nothing()
    {
        var task = NewTask("r1", "erp");
        var other = NewTask("r1", "shop");

        var commit = async () => await Store.AddAsync([other, task, task], CancellationToken.None);

        await commit.Should().ThrowAsync<InvalidOperationException>();
        (await Store.GetAsync(other.Id, CancellationToken.None)).Should().BeNull();
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().BeEmpty();
        (await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Should().BeEmpty();
    }

    protected override ValueTask<ITaskStore> CreateStoreAsync(TimeProvider time) => ValueTask.FromResult<ITaskStore>(new InMemoryTaskStore(time));

    private async Task<List<Guid>> LeaseAllAsync(TaskLeaseRequest request)
    {
        var ids = new List<Guid>();
        IReadOnlyList<WebhookTask> leased;
        while ((leased = await Store.LeaseAsync(request, CancellationToken.None)).Count > 0)
        {
            ids.AddRange(leased.Select(t => t.Id));
        }

        return ids;
    }
}
