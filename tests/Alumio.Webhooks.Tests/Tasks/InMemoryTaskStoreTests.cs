using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.Tests.Tasks;

public class InMemoryTaskStoreTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
    private InMemoryTaskStore _store = null!;

    [SetUp]
    public void SetUp() => _store = new InMemoryTaskStore(_time);

    [Test]
    public async Task Added_tasks_can_be_read_back()
    {
        var task = NewTask("r1", "erp");

        await _store.AddAsync([task], CancellationToken.None);

        (await _store.GetAsync(task.Id, CancellationToken.None)).Should().Be(task);
        (await _store.GetAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task A_batch_with_a_duplicate_id_stores_nothing()
    {
        var existing = NewTask("r1", "erp");
        await _store.AddAsync([existing], CancellationToken.None);

        var act = async () => await _store.AddAsync([NewTask("r2", "erp"), existing], CancellationToken.None);

        await act.Should().ThrowAsync<InvalidOperationException>();
        (await _store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().ContainSingle();
    }

    [Test]
    public async Task A_batch_disposed_without_a_commit_leaves_nothing_and_a_committed_batch_is_closed()
    {
        await using (var abandoned = await _store.BeginBatchAsync(CancellationToken.None))
        {
            await abandoned.AddAsync([NewTask("r1", "erp"), NewTask("r1", "shop")], CancellationToken.None);
        }

        var batch = await _store.BeginBatchAsync(CancellationToken.None);
        await batch.AddAsync([NewTask("r2", "erp")], CancellationToken.None);
        (await _store.LeaseAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None)).Should().BeEmpty("nothing is visible before the commit");
        await batch.CommitAsync(CancellationToken.None);
        var afterCommit = async () => await batch.AddAsync([NewTask("r2", "shop")], CancellationToken.None);
        await batch.DisposeAsync();

        await afterCommit.Should().ThrowAsync<InvalidOperationException>();
        (await _store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().ContainSingle().Which.RequestId.Should().Be("r2");
    }

    [Test]
    public async Task A_leased_task_is_processing_and_not_leased_again_until_its_lease_runs_out()
    {
        var task = NewTask("r1", "erp");
        await _store.AddAsync([task], CancellationToken.None);

        var first = await _store.LeaseAsync(10, TimeSpan.FromMinutes(5), CancellationToken.None);
        var second = await _store.LeaseAsync(10, TimeSpan.FromMinutes(5), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(5));
        var afterExpiry = await _store.LeaseAsync(10, TimeSpan.FromMinutes(5), CancellationToken.None);

        first.Should().ContainSingle().Which.Status.Should().Be(WebhookTaskStatus.Processing);
        second.Should().BeEmpty();
        afterExpiry.Should().ContainSingle().Which.Id.Should().Be(task.Id);
    }

    [Test]
    public async Task An_updated_task_is_no_longer_leased()
    {
        await _store.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
        var leased = (await _store.LeaseAsync(1, TimeSpan.FromMinutes(1), CancellationToken.None))[0];

        await _store.UpdateAsync(leased with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, CancellationToken.None);
        _time.Advance(TimeSpan.FromHours(1));

        (await _store.LeaseAsync(10, TimeSpan.FromMinutes(1), CancellationToken.None)).Should().BeEmpty();
        (await _store.GetAsync(leased.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Finished);
    }

    [Test]
    public async Task Leases_respect_the_batch_size_oldest_first()
    {
        var tasks = Enumerable.Range(0, 5).Select(i => NewTask("r" + i, "erp")).ToArray();
        await _store.AddAsync(tasks, CancellationToken.None);

        var leased = await _store.LeaseAsync(3, TimeSpan.FromMinutes(1), CancellationToken.None);

        leased.Select(t => t.Id).Should().Equal(tasks.Take(3).Select(t => t.Id));
    }

    [Test]
    public async Task Queries_filter_and_page_with_a_cursor()
    {
        var tasks = new List<WebhookTask>();
        for (var i = 0; i < 7; i++)
        {
            tasks.Add(NewTask("r" + (i % 2), i % 2 == 0 ? "erp" : "shop"));
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        await _store.AddAsync(tasks, CancellationToken.None);

        var first = await _store.QueryAsync(new TaskQuery { Route = "erp", Limit = 3 }, CancellationToken.None);
        var second = await _store.QueryAsync(new TaskQuery { Route = "erp", Limit = 3, After = first.Next }, CancellationToken.None);
        var byRequest = await _store.QueryAsync(new TaskQuery { RequestId = "r1" }, CancellationToken.None);
        var byStatus = await _store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Failed }, CancellationToken.None);

        first.Items.Select(t => t.Id).Should().Equal(tasks.Where(t => t.Route == "erp").Take(3).Select(t => t.Id));
        first.Next.Should().Be(first.Items[^1].Id);
        second.Items.Select(t => t.Id).Should().Equal(tasks.Where(t => t.Route == "erp").Skip(3).Select(t => t.Id));
        second.Next.Should().BeNull();
        byRequest.Items.Should().HaveCount(3).And.OnlyContain(t => t.RequestId == "r1");
        byStatus.Items.Should().BeEmpty();
    }

    private WebhookTask NewTask(string requestId, string route)
    {
        var now = _time.GetUtcNow();
        return new WebhookTask(Guid.CreateVersion7(now), requestId, "wms", route, """{"id":1}"""u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
    }
}
