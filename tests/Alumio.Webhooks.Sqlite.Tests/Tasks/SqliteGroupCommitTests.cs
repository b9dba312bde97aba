using Alumio.Webhooks.Sqlite.Tests.Support;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Sqlite.Tests.Tasks;

/// <summary>The single writer: concurrent work shares transactions, and a failing piece fails alone.</summary>
public class SqliteGroupCommitTests : SqliteStoreFixture
{
    [Test]
    public async Task Two_hundred_concurrent_small_batches_all_land_in_fewer_transactions_than_commits()
    {
        var store = Open();
        var before = store.Transactions;

        var tasks = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            var task = NewTask("r" + i, i % 2 == 0 ? "erp" : "shop");
            await using var batch = await store.BeginBatchAsync(CancellationToken.None);
            await batch.AddAsync([task], CancellationToken.None);
            await batch.CommitAsync(CancellationToken.None);
            return task;
        })));

        (await AllAsync(store)).Select(t => t.Id).Should().BeEquivalentTo(tasks.Select(t => t.Id));
        (store.Transactions - before).Should().BeLessThan(200);
    }

    [Test]
    public async Task Commits_waiting_together_are_written_in_one_transaction()
    {
        var store = Open();
        var batches = new List<ITaskBatch>();
        for (var i = 0; i < 200; i++)
        {
            var batch = await store.BeginBatchAsync(CancellationToken.None);
            await batch.AddAsync([NewTask("r" + i)], CancellationToken.None);
            batches.Add(batch);
        }

        var before = store.Transactions;
        Task[] commits;
        using (store.Writer.Pause())
        {
            commits = [.. batches.Select(batch => batch.CommitAsync(CancellationToken.None).AsTask())];
            await EventuallyAsync(() => store.Writer.Queued == 200);
        }

        await Task.WhenAll(commits);

        (store.Transactions - before).Should().Be(1);
        (await AllAsync(store)).Should().HaveCount(200);
    }

    [Test]
    public async Task A_write_that_fails_fails_alone_and_the_rest_of_its_transaction_commits()
    {
        var store = Open();
        var existing = NewTask("r1");
        await store.AddAsync([existing], CancellationToken.None);
        var fresh = NewTask("r2");
        var before = store.Transactions;

        Task duplicate;
        Task good;
        using (store.Writer.Pause())
        {
            duplicate = store.AddAsync([NewTask("r3"), existing], CancellationToken.None).AsTask();
            good = store.AddAsync([fresh], CancellationToken.None).AsTask();
            await EventuallyAsync(() => store.Writer.Queued == 2);
        }

        await good;
        var failure = async () => await duplicate;

        await failure.Should().ThrowAsync<InvalidOperationException>().WithMessage($"A task with id {existing.Id} is already stored.");
        (store.Transactions - before).Should().Be(1);
        (await AllAsync(store)).Select(t => t.RequestId).Should().Equal("r1", "r2");
    }

    [Test]
    public async Task A_write_that_fails_after_others_in_its_transaction_leaves_their_work_written_once_as_they_reported_it()
    {
        var store = Open();
        var existing = NewTask("r1");
        await store.AddAsync([existing], CancellationToken.None);
        var fresh = NewTask("r2");
        var before = store.Transactions;

        Task<IReadOnlyList<WebhookTask>> lease;
        Task good;
        Task duplicate;
        using (store.Writer.Pause())
        {
            lease = store.LeaseAsync(new TaskLeaseRequest(1, TimeSpan.FromMinutes(5)), CancellationToken.None).AsTask();
            good = store.AddAsync([fresh], CancellationToken.None).AsTask();
            duplicate = store.AddAsync([NewTask("r3"), existing], CancellationToken.None).AsTask();
            await EventuallyAsync(() => store.Writer.Queued == 3);
        }

        var leased = (await lease).Should().ContainSingle().Subject;
        await good;
        var failure = async () => await duplicate;

        await failure.Should().ThrowAsync<InvalidOperationException>().WithMessage($"A task with id {existing.Id} is already stored.");
        (store.Transactions - before).Should().Be(1);
        (await AllAsync(store)).Select(t => t.RequestId).Should().Equal("r1", "r2");
        (await store.GetAsync(existing.Id, CancellationToken.None))!.LeaseId.Should().Be(leased.LeaseId!.Value, "the lease handed out is the one stored");
    }

    [Test]
    public async Task A_commit_cancelled_while_it_waits_for_the_writer_stores_nothing()
    {
        var store = Open();
        using var cancellation = new CancellationTokenSource();
        var batch = await store.BeginBatchAsync(CancellationToken.None);
        await batch.AddAsync([.. Enumerable.Range(0, 600).Select(_ => NewTask("cancelled"))], CancellationToken.None);

        Task commit;
        using (store.Writer.Pause())
        {
            commit = batch.CommitAsync(cancellation.Token).AsTask();
            await EventuallyAsync(() => store.Writer.Queued == 1);
            await cancellation.CancelAsync();
        }

        var wait = async () => await commit;
        await wait.Should().ThrowAsync<OperationCanceledException>();
        await batch.DisposeAsync();

        (await AllAsync(store)).Should().BeEmpty();
        await EventuallyAsync(() => Scalar(Database, "SELECT count(*) FROM tasks") == 0);
    }

    [Test]
    public async Task After_a_failed_write_the_batch_refuses_to_commit_and_disposing_it_leaves_nothing()
    {
        var store = Open();
        var existing = NewTask("r1");
        await store.AddAsync([existing], CancellationToken.None);
        var batch = await store.BeginBatchAsync(CancellationToken.None);
        await batch.AddAsync([.. Enumerable.Range(0, 512).Select(_ => NewTask("r2"))], CancellationToken.None);

        var add = async () => await batch.AddAsync([.. Enumerable.Range(0, 511).Select(_ => NewTask("r2")), existing], CancellationToken.None);
        var commit = async () => await batch.CommitAsync(CancellationToken.None);

        await add.Should().ThrowAsync<InvalidOperationException>().WithMessage("*already stored*");
        await commit.Should().ThrowAsync<InvalidOperationException>().WithMessage("*earlier write*");
        await batch.DisposeAsync();
        (await AllAsync(store)).Select(t => t.Id).Should().Equal(existing.Id);
        await EventuallyAsync(() => Scalar(Database, "SELECT count(*) FROM tasks") == 1);
    }

    [Test]
    public async Task A_transaction_with_durable_work_syncs_fully_and_one_with_only_staged_rows_or_leases_does_not_wait_for_the_disk()
    {
        var store = Open();
        static long Synchronous(SqliteWriter writer) => (long)writer.Command("PRAGMA synchronous;").ExecuteScalar()!;

        var durable = await store.Writer.Enqueue(durable: true, 1, Synchronous, CancellationToken.None);
        var staging = await store.Writer.Enqueue(durable: false, 1, Synchronous, CancellationToken.None);
        Task<long> mixed;
        using (store.Writer.Pause())
        {
            _ = store.Writer.Enqueue(durable: false, 1, Synchronous, CancellationToken.None);
            mixed = store.Writer.Enqueue(durable: false, 1, Synchronous, CancellationToken.None);
            _ = store.Writer.Enqueue(durable: true, 1, Synchronous, CancellationToken.None);
            await EventuallyAsync(() => store.Writer.Queued == 3);
        }

        durable.Should().Be(2, "FULL");
        staging.Should().Be(1, "NORMAL: a later FULL commit syncs the whole WAL, these frames included");
        (await mixed).Should().Be(2, "a group with any durable work commits FULL");
    }
}
