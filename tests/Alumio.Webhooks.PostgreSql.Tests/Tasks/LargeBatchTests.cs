using System.Text;
using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>A request with very many items, streamed into the store in parts as the receiver does.</summary>
public class LargeBatchTests : PostgreSqlStoreFixture
{
    private const int Count = 100_000;
    private const int Part = 512;

    [Test]
    public async Task A_batch_of_100000_tasks_streamed_in_512_task_parts_commits_whole_without_holding_the_tasks_in_memory()
    {
        long retained;
        var batch = await Store.BeginBatchAsync(CancellationToken.None);
        await using (batch)
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            await AddAllAsync(batch);
            retained = GC.GetTotalMemory(forceFullCollection: true) - before;
            await TestContext.Out.WriteLineAsync($"Managed memory retained after {Count} tasks were added: {retained / 1024} KiB");

            (await TasksAsync()).Should().Be(0, "nothing is visible before the commit");
            await batch.CommitAsync(CancellationToken.None);
        }

        (await TasksAsync()).Should().Be(Count);
        (await TestDatabase.ScalarAsync<long>($"SELECT count(DISTINCT entity) FROM \"{Schema}\".tasks")).Should().Be(Count, "each part was written before its list was reused");
        retained.Should().BeLessThan(4 * 1024 * 1024, "the tasks went to the database as they came; about 30 MB would stay if they were kept");
    }

    [Test]
    public async Task An_abandoned_batch_of_100000_tasks_leaves_nothing()
    {
        await using (var batch = await Store.BeginBatchAsync(CancellationToken.None))
        {
            await AddAllAsync(batch);
        }

        (await TasksAsync()).Should().Be(0);
        (await Store.LeaseAsync(new TaskLeaseRequest(10, TimeSpan.FromMinutes(5)), CancellationToken.None)).Should().BeEmpty();
    }

    /// <summary>Adds the tasks in parts through one list that is cleared and refilled, as the receiver's writer does.</summary>
    private async Task AddAllAsync(ITaskBatch batch)
    {
        var part = new List<WebhookTask>(Part);
        var now = Time.GetUtcNow();
        for (var i = 0; i < Count; i++)
        {
            var entity = Encoding.UTF8.GetBytes($$"""{"line":{{i}},"sku":"SKU-{{i % 977}}"}""");
            part.Add(new WebhookTask(Guid.CreateVersion7(now), "big", "wms", "erp", entity, WebhookTaskStatus.New, 0, null, now, now));
            if (part.Count == Part || i == Count - 1)
            {
                await batch.AddAsync(part, CancellationToken.None);
                part.Clear();
            }
        }
    }

    private Task<long> TasksAsync() => TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{Schema}\".tasks");
}
