using System.Collections.Concurrent;
using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>Several store instances (one per application instance, each with its own connections) on one schema.</summary>
public class SharedQueueTests : PostgreSqlStoreFixture
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private PostgreSqlTaskStore _second = null!;

    [SetUp]
    public async Task OpenSecondStore() => _second = await OpenAnotherStoreAsync();

    [Test]
    public async Task Two_instances_leasing_concurrently_never_get_the_same_task_and_together_deliver_all()
    {
        const int Count = 3000;
        var tasks = Enumerable.Range(0, Count).Select(i => NewTask("r" + (i / 10), i % 3 == 0 ? "shop" : "erp")).ToList();
        await Store.AddAsync(tasks, CancellationToken.None);
        var deliveries = new ConcurrentDictionary<Guid, int>();
        var byInstance = new int[2];

        async Task WorkAsync(PostgreSqlTaskStore store, int instance)
        {
            IReadOnlyList<WebhookTask> leased;
            while ((leased = await store.LeaseAsync(new TaskLeaseRequest(16, Lease), CancellationToken.None)).Count > 0)
            {
                foreach (var task in leased)
                {
                    deliveries.AddOrUpdate(task.Id, 1, (_, n) => n + 1);
                    var attempt = new TaskAttempt(1, Time.GetUtcNow(), Time.GetUtcNow(), WebhookTaskStatus.Finished, null);
                    var completed = await store.CompleteAsync(task with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, attempt, CancellationToken.None);
                    completed.Should().BeTrue("the lease is live and held by this instance alone");
                    Interlocked.Increment(ref byInstance[instance]);
                }
            }
        }

        // Four workers per instance, as four processor slots on each of two hosts.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => WorkAsync(i % 2 == 0 ? Store : _second, i % 2))));

        deliveries.Should().HaveCount(Count);
        deliveries.Values.Should().OnlyContain(n => n == 1, "no task is handed out twice under a live lease");
        byInstance.Should().OnlyContain(n => n > 0, "both instances take part");
        (byInstance[0] + byInstance[1]).Should().Be(Count);
        (await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{Schema}\".tasks WHERE status = 2")).Should().Be(Count);
        (await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{Schema}\".task_attempts")).Should().Be(Count);
    }

    [Test]
    public async Task A_lease_that_runs_out_on_one_instance_is_handed_out_by_the_other_and_only_the_new_holder_completes_it()
    {
        var task = NewTask("r1", "erp");
        await Store.AddAsync([task], CancellationToken.None);
        var stale = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();

        (await _second.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Should().BeEmpty("the first instance's lease still runs");
        Time.Advance(Lease);
        var fresh = (await _second.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();

        fresh.Id.Should().Be(task.Id);
        fresh.LeaseId.Should().NotBe(stale.LeaseId!.Value);
        (await Store.CompleteAsync(stale with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, null, CancellationToken.None)).Should().BeFalse();
        (await _second.CompleteAsync(fresh with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, null, CancellationToken.None)).Should().BeTrue();
        (await Store.GetAsync(task.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Finished);
    }

    [Test]
    public async Task A_claim_racing_an_uncommitted_one_on_another_instance_gets_the_key_when_that_batch_is_abandoned()
    {
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 1, 1, Start + TimeSpan.FromHours(1));
        var first = await Store.BeginBatchAsync(CancellationToken.None);
        await first.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
        (await first.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();

        await using var second = await _second.BeginBatchAsync(CancellationToken.None);
        await second.AddAsync([NewTask("r2", "erp")], CancellationToken.None);
        var racing = Task.Run(async () => await second.ClaimAsync(claim with { RequestId = "r2" }, CancellationToken.None));
        await Task.Delay(300);
        racing.IsCompleted.Should().BeFalse("the key is held by a batch that may still commit");
        await first.DisposeAsync();

        (await racing.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeNull("the abandoned batch gave the key up");
        await second.CommitAsync(CancellationToken.None);
        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None))!.RequestId.Should().Be("r2");
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(t => t.RequestId).Should().Equal("r2");
    }

    [Test]
    public async Task Pruning_also_deletes_expired_idempotency_claims()
    {
        foreach (var (key, window) in new[] { ("short", TimeSpan.FromMinutes(10)), ("long", TimeSpan.FromDays(2)) })
        {
            await using var batch = await Store.BeginBatchAsync(CancellationToken.None);
            (await batch.ClaimAsync(new IdempotentRequest("wms", key, "r-" + key, 0, 0, Start + window), CancellationToken.None)).Should().BeNull();
            await batch.CommitAsync(CancellationToken.None);
        }

        Time.Advance(TimeSpan.FromHours(1));
        await _second.PruneAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), CancellationToken.None);

        (await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{Schema}\".idempotency_claims")).Should().Be(1);
        (await Store.FindRequestAsync("wms", "long", CancellationToken.None))!.RequestId.Should().Be("r-long");
    }

    [Test]
    public async Task Times_round_trip_in_utc_to_the_microsecond_whatever_offset_they_were_given_in()
    {
        var created = new DateTimeOffset(2026, 11, 30, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var task = NewTask("r1", "erp") with { CreatedAt = created, UpdatedAt = created };
        await Store.AddAsync([task], CancellationToken.None);

        var read = await _second.GetAsync(task.Id, CancellationToken.None);

        read!.CreatedAt.Offset.Should().Be(TimeSpan.Zero);
        read.CreatedAt.Should().Be(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero).AddTicks(1234560), "timestamptz keeps microseconds");
    }

    private WebhookTask NewTask(string requestId, string route)
    {
        var now = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return new WebhookTask(Guid.CreateVersion7(now), requestId, "wms", route, """{"orderId":"1"}"""u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
    }
}
