using System.Collections.Concurrent;
using System.Text;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.Tests.Tasks.Contract;

/// <summary>
/// The behaviour every <see cref="ITaskStore"/> must have. Each store's test project derives a fixture from this class
/// (the SQLite and PostgreSQL projects link this file), so all stores pass the very same tests.
/// </summary>
public abstract class TaskStoreContractTests
{
    protected static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected FakeTimeProvider Time { get; private set; } = null!;

    protected ITaskStore Store { get; private set; } = null!;

    [SetUp]
    public async Task CreateStore()
    {
        Time = new FakeTimeProvider(Start);
        Store = await CreateStoreAsync(Time);
    }

    [TearDown]
    public async Task DisposeStore() => await DisposeStoreAsync(Store);

    /// <summary>Creates an empty store that takes every time from <paramref name="time"/>.</summary>
    protected abstract ValueTask<ITaskStore> CreateStoreAsync(TimeProvider time);

    /// <summary>Releases the store and whatever it holds (files, schemas).</summary>
    protected virtual ValueTask DisposeStoreAsync(ITaskStore store) =>
        store is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    [Test]
    public async Task A_committed_task_reads_back_exactly()
    {
        var entity = Encoding.UTF8.GetBytes("""{"orderId":"1001","name":"Café ☕ 🚚","nested":{"a":[1,2.5,null,true]}}""");
        var task = NewTask("r1", "complete-order-in-erp", entity: entity, webhook: "wms-shipments");

        await Store.AddAsync([task], CancellationToken.None);
        var read = await Store.GetAsync(task.Id, CancellationToken.None);

        read.Should().NotBeNull();
        read!.Id.Should().Be(task.Id);
        read.RequestId.Should().Be("r1");
        read.Webhook.Should().Be("wms-shipments");
        read.Route.Should().Be("complete-order-in-erp");
        read.EntityUtf8.ToArray().Should().Equal(entity);
        read.Status.Should().Be(WebhookTaskStatus.New);
        read.Attempts.Should().Be(0);
        read.LastError.Should().BeNull();
        read.CreatedAt.Should().Be(Start);
        read.UpdatedAt.Should().Be(Start);
        read.LeaseId.Should().BeNull();
        (await Store.GetAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task Nothing_of_a_batch_is_visible_before_its_commit_and_nothing_stays_when_it_is_abandoned()
    {
        await using (var abandoned = await Store.BeginBatchAsync(CancellationToken.None))
        {
            await abandoned.AddAsync([NewTask("r1", "erp"), NewTask("r1", "shop")], CancellationToken.None);
        }

        var batch = await Store.BeginBatchAsync(CancellationToken.None);
        await using (batch)
        {
            var staged = NewTask("r2", "erp");
            await batch.AddAsync([staged], CancellationToken.None);

            (await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Should().BeEmpty("nothing is visible before the commit");
            (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().BeEmpty();
            (await Store.GetAsync(staged.Id, CancellationToken.None)).Should().BeNull();

            await batch.CommitAsync(CancellationToken.None);
        }

        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(t => t.RequestId).Should().Equal("r2");
    }

    [Test]
    public async Task A_large_batch_added_in_parts_is_committed_whole()
    {
        var batch = await Store.BeginBatchAsync(CancellationToken.None);
        await using (batch)
        {
            for (var part = 0; part < 10; part++)
            {
                await batch.AddAsync([.. Enumerable.Range(0, 512).Select(_ => NewTask("big", "erp"))], CancellationToken.None);
            }

            await batch.CommitAsync(CancellationToken.None);
        }

        (await CountAsync(new TaskQuery { RequestId = "big" })).Should().Be(5120);
    }

    [Test]
    public async Task A_lease_hands_out_due_tasks_oldest_first_each_under_its_own_lease()
    {
        var tasks = new List<WebhookTask>();
        for (var i = 0; i < 5; i++)
        {
            tasks.Add(NewTask("r" + i, "erp"));
            Time.Advance(TimeSpan.FromSeconds(1));
        }

        await Store.AddAsync(tasks, CancellationToken.None);

        var first = await Store.LeaseAsync(new TaskLeaseRequest(3, Lease), CancellationToken.None);
        var second = await Store.LeaseAsync(new TaskLeaseRequest(3, Lease), CancellationToken.None);
        var third = await Store.LeaseAsync(new TaskLeaseRequest(3, Lease), CancellationToken.None);

        first.Select(t => t.Id).Should().Equal(tasks.Take(3).Select(t => t.Id));
        second.Select(t => t.Id).Should().Equal(tasks.Skip(3).Select(t => t.Id));
        third.Should().BeEmpty();
        first.Concat(second).Should().OnlyContain(t => t.Status == WebhookTaskStatus.Processing && t.DueAt == Time.GetUtcNow() + Lease);
        first.Concat(second).Select(t => t.LeaseId).Should().OnlyHaveUniqueItems().And.NotContainNulls();
        (await Store.GetAsync(tasks[0].Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Processing);
    }

    [Test]
    public async Task A_lease_that_runs_out_hands_the_task_out_again_and_the_old_holder_cannot_complete_it()
    {
        var task = NewTask("r1", "erp");
        await Store.AddAsync([task], CancellationToken.None);
        var stale = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();

        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Should().BeEmpty("the lease still runs");
        Time.Advance(TimeSpan.FromSeconds(1));
        var fresh = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();

        fresh.Id.Should().Be(task.Id);
        fresh.LeaseId.Should().NotBe(stale.LeaseId!.Value);
        (await Store.CompleteAsync(Done(stale, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), CancellationToken.None)).Should().BeFalse();
        (await Store.GetAsync(task.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Processing);
        (await Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Should().BeEmpty();
        (await Store.CompleteAsync(Done(fresh, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), CancellationToken.None)).Should().BeTrue();
    }

    [Test]
    public async Task A_completed_task_keeps_its_outcome_and_history_and_is_not_handed_out_again()
    {
        var task = NewTask("r1", "erp");
        await Store.AddAsync([task], CancellationToken.None);
        var leased = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();
        Time.Advance(TimeSpan.FromSeconds(2));

        var attempt = Attempt(1, WebhookTaskStatus.Failed, "Outgoing 'erp': 400 Bad Request") with { StatusCode = 400 };
        var completed = await Store.CompleteAsync(leased with { Status = WebhookTaskStatus.Failed, Attempts = 1, LastError = "Outgoing 'erp': 400 Bad Request" }, attempt, CancellationToken.None);
        var completedAt = Time.GetUtcNow();
        Time.Advance(Lease * 2);

        completed.Should().BeTrue();
        var read = await Store.GetAsync(task.Id, CancellationToken.None);
        read!.Status.Should().Be(WebhookTaskStatus.Failed);
        read.Attempts.Should().Be(1);
        read.LastError.Should().Be("Outgoing 'erp': 400 Bad Request");
        read.UpdatedAt.Should().Be(completedAt);
        read.LeaseId.Should().BeNull();
        read.DueAt.Should().BeNull();
        (await Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Should().Equal(attempt);
        (await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Should().BeEmpty();
        (await Store.CompleteAsync(Done(leased, WebhookTaskStatus.Finished), null, CancellationToken.None)).Should().BeFalse("the lease ended with the first outcome");
    }

    [Test]
    public async Task Captures_parent_and_first_transformer_read_back_exactly()
    {
        var task = NewTask("r1", "erp") with { Captures = ["orders", "0", "Café ☕ \"quoted\""] };
        var plain = NewTask("r1", "erp");

        await Store.AddAsync([task, plain], CancellationToken.None);

        var read = await Store.GetAsync(task.Id, CancellationToken.None);
        read!.Captures.Should().Equal("orders", "0", "Café ☕ \"quoted\"");
        read.ParentId.Should().BeNull();
        read.FirstTransformer.Should().Be(0);
        (await Store.GetAsync(plain.Id, CancellationToken.None))!.Captures.Should().BeEmpty();
        var leased = await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None);
        leased.Single(t => t.Id == task.Id).Captures.Should().Equal(read.Captures);
    }

    [Test]
    public async Task Branching_finishes_the_task_and_stores_its_branches_in_one_step_under_the_current_lease_only()
    {
        var task = NewTask("r1", "erp") with { Captures = ["7"] };
        await Store.AddAsync([task], CancellationToken.None);
        var stale = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();
        Time.Advance(Lease);
        var leased = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();
        var now = Time.GetUtcNow();
        WebhookTask Branch(int index, string sku) =>
            new(Guid.CreateVersion7(now.AddMilliseconds(index)), task.RequestId, task.Webhook, task.Route, Encoding.UTF8.GetBytes($$"""{"sku":"{{sku}}"}"""), WebhookTaskStatus.New, 0, null, now, now)
            {
                ParentId = task.Id,
                FirstTransformer = 3,
                Captures = ["7", index.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            };
        WebhookTask[] branches = [Branch(0, "A"), Branch(1, "B")];

        (await Store.BranchAsync(Done(stale, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), branches, CancellationToken.None))
            .Should().BeFalse("the lease ran out and the task was leased again");
        (await Store.GetAsync(branches[0].Id, CancellationToken.None)).Should().BeNull("nothing is stored under a stale lease");
        (await Store.BranchAsync(Done(leased, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), branches, CancellationToken.None)).Should().BeTrue();

        var parent = await Store.GetAsync(task.Id, CancellationToken.None);
        parent!.Status.Should().Be(WebhookTaskStatus.Finished);
        (await Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Should().ContainSingle();
        var page = await Store.QueryAsync(new TaskQuery { RequestId = "r1", Status = WebhookTaskStatus.New }, CancellationToken.None);
        page.Items.Select(t => t.Id).Should().Equal(branches[0].Id, branches[1].Id);
        var first = page.Items[0];
        first.ParentId.Should().Be(task.Id);
        first.FirstTransformer.Should().Be(3);
        first.Captures.Should().Equal("7", "0");
        Encoding.UTF8.GetString(first.EntityUtf8.Span).Should().Be("""{"sku":"A"}""");
        (await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Select(t => t.Id).Should().BeEquivalentTo([branches[0].Id, branches[1].Id], "branches are due at once");
    }

    [Test]
    public async Task Branching_that_cannot_store_a_branch_changes_nothing()
    {
        var other = NewTask("r0", "erp");
        var task = NewTask("r1", "erp");
        await Store.AddAsync([other, task], CancellationToken.None);
        var leased = (await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Single(t => t.Id == task.Id);
        var now = Time.GetUtcNow();

        // A branch whose id is taken already: the store refuses the whole step.
        var clash = new WebhookTask(other.Id, task.RequestId, task.Webhook, task.Route, "{}"u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now) { ParentId = task.Id, FirstTransformer = 1 };
        var fresh = clash with { Id = Guid.CreateVersion7(now.AddSeconds(1)) };
        var attempt = () => Store.BranchAsync(Done(leased, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), [fresh, clash], CancellationToken.None).AsTask();

        await attempt.Should().ThrowAsync<Exception>();
        (await Store.GetAsync(task.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Processing, "the outcome is not recorded without its branches");
        (await Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Should().BeEmpty();
        (await Store.GetAsync(fresh.Id, CancellationToken.None)).Should().BeNull();
        (await Store.GetAsync(other.Id, CancellationToken.None))!.RequestId.Should().Be("r0");

        var twice = () => Store.BranchAsync(Done(leased, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), [fresh, fresh], CancellationToken.None).AsTask();
        await twice.Should().ThrowAsync<Exception>("two branches cannot share an id");
        (await Store.GetAsync(task.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Processing);
        (await Store.GetAsync(fresh.Id, CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task A_branch_must_belong_to_the_task_that_branched()
    {
        var task = NewTask("r1", "erp");
        await Store.AddAsync([task], CancellationToken.None);
        var leased = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();
        var stranger = NewTask("r2", "erp") with { ParentId = task.Id };

        var attempt = () => Store.BranchAsync(Done(leased, WebhookTaskStatus.Finished), null, [stranger], CancellationToken.None).AsTask();

        await attempt.Should().ThrowAsync<ArgumentException>();
        (await Store.GetAsync(task.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Processing);
    }

    [Test]
    public async Task A_retry_is_handed_out_again_only_when_it_is_due_with_its_attempts_kept()
    {
        var task = NewTask("r1", "erp");
        await Store.AddAsync([task], CancellationToken.None);
        var leased = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();
        var due = Time.GetUtcNow() + TimeSpan.FromSeconds(30);

        await Store.CompleteAsync(leased with { Status = WebhookTaskStatus.Retry, Attempts = 1, LastError = "503", DueAt = due }, Attempt(1, WebhookTaskStatus.Retry, "503") with { StatusCode = 503 }, CancellationToken.None);
        var retry = await Store.GetAsync(task.Id, CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(29));
        var early = await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None);
        Time.Advance(TimeSpan.FromSeconds(1));
        var onTime = await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None);

        retry!.Status.Should().Be(WebhookTaskStatus.Retry);
        retry.DueAt.Should().Be(due);
        early.Should().BeEmpty();
        onTime.Should().ContainSingle().Which.Attempts.Should().Be(1);
        onTime[0].LastError.Should().Be("503");
        await Store.CompleteAsync(Done(onTime[0], WebhookTaskStatus.Finished) with { Attempts = 2, LastError = null }, Attempt(2, WebhookTaskStatus.Finished), CancellationToken.None);
        (await Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Select(a => a.Number).Should().Equal(1, 2);
        (await Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Select(a => a.StatusCode).Should().Equal(503, null);
    }

    [Test]
    public async Task Released_tasks_are_due_again_at_once_untouched()
    {
        var fresh = NewTask("r1", "erp");
        var retried = NewTask("r2", "erp");
        await Store.AddAsync([fresh, retried], CancellationToken.None);
        var leased = await Store.LeaseAsync(new TaskLeaseRequest(2, Lease), CancellationToken.None);
        await Store.CompleteAsync(leased[1] with { Status = WebhookTaskStatus.Retry, Attempts = 1, LastError = "503", DueAt = Time.GetUtcNow() }, Attempt(1, WebhookTaskStatus.Retry, "503"), CancellationToken.None);
        var again = (await Store.LeaseAsync(new TaskLeaseRequest(2, Lease), CancellationToken.None)).Single();

        await Store.ReleaseAsync([leased[0], again], CancellationToken.None);
        await Store.ReleaseAsync([leased[0]], CancellationToken.None);

        (await Store.GetAsync(fresh.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.New);
        var released = await Store.GetAsync(retried.Id, CancellationToken.None);
        released!.Status.Should().Be(WebhookTaskStatus.Retry);
        released.Attempts.Should().Be(1);
        (await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Select(t => t.Id).Should().BeEquivalentTo([fresh.Id, retried.Id]);
    }

    [Test]
    public async Task A_lease_can_skip_routes_or_take_only_some_routes_or_one_request()
    {
        await Store.AddAsync([NewTask("r1", "erp"), NewTask("r1", "shop"), NewTask("r2", "erp"), NewTask("r2", "shop")], CancellationToken.None);

        var withoutErp = await Store.LeaseAsync(new TaskLeaseRequest(10, Lease) { ExcludedRoutes = ["ERP"] }, CancellationToken.None);
        await Store.ReleaseAsync(withoutErp, CancellationToken.None);
        var onlyR2Erp = await Store.LeaseAsync(new TaskLeaseRequest(10, Lease) { RequestId = "r2", Routes = ["erp"] }, CancellationToken.None);

        withoutErp.Select(t => (t.RequestId, t.Route)).Should().BeEquivalentTo([("r1", "shop"), ("r2", "shop")]);
        onlyR2Erp.Select(t => (t.RequestId, t.Route)).Should().Equal(("r2", "erp"));
    }

    [Test]
    public async Task Concurrent_leases_never_hand_out_a_task_twice()
    {
        await Store.AddAsync([.. Enumerable.Range(0, 300).Select(i => NewTask("r" + (i % 7), "erp"))], CancellationToken.None);
        var seen = new ConcurrentBag<Guid>();

        await Parallel.ForEachAsync(Enumerable.Range(0, 6), new ParallelOptions { MaxDegreeOfParallelism = 6 }, async (_, token) =>
        {
            IReadOnlyList<WebhookTask> leased;
            while ((leased = await Store.LeaseAsync(new TaskLeaseRequest(7, Lease), token)).Count > 0)
            {
                foreach (var task in leased)
                {
                    seen.Add(task.Id);
                }
            }
        });

        seen.Should().HaveCount(300).And.OnlyHaveUniqueItems();
    }

    [Test]
    public async Task Queries_filter_by_webhook_route_status_and_request_and_page_by_id()
    {
        var tasks = new List<WebhookTask>();
        for (var i = 0; i < 12; i++)
        {
            tasks.Add(NewTask("r" + (i % 3), i % 2 == 0 ? "erp" : "shop", webhook: i < 6 ? "wms" : "github"));
        }

        await Store.AddAsync(tasks, CancellationToken.None);
        var leased = (await Store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None)).Single();
        await Store.CompleteAsync(Done(leased, WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), CancellationToken.None);

        (await Store.QueryAsync(new TaskQuery { Webhook = "WMS" }, CancellationToken.None)).Items.Should().HaveCount(6);
        (await Store.QueryAsync(new TaskQuery { Route = "Shop" }, CancellationToken.None)).Items.Should().HaveCount(6);
        (await Store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Finished }, CancellationToken.None)).Items.Select(t => t.Id).Should().Equal(leased.Id);
        (await Store.QueryAsync(new TaskQuery { Id = tasks[7].Id }, CancellationToken.None)).Items.Select(t => t.Id).Should().Equal(tasks[7].Id);
        (await Store.QueryAsync(new TaskQuery { RequestId = "r1", Webhook = "github", Route = "erp" }, CancellationToken.None)).Items.Should().OnlyContain(t => t.RequestId == "r1" && t.Route == "erp" && t.Webhook == "github").And.HaveCount(1);

        var pages = new List<Guid>();
        Guid? after = null;
        do
        {
            var page = await Store.QueryAsync(new TaskQuery { Limit = 5, After = after }, CancellationToken.None);
            page.Items.Count.Should().BeLessThanOrEqualTo(5);
            pages.AddRange(page.Items.Select(t => t.Id));
            after = page.Next;
        }
        while (after is not null);

        pages.Should().Equal(tasks.Select(t => t.Id).Order());
    }

    [Test]
    public async Task Retrying_makes_failed_tasks_matching_the_filter_due_at_once()
    {
        await Store.AddAsync([NewTask("r1", "erp"), NewTask("r1", "shop"), NewTask("r2", "erp"), NewTask("r3", "erp")], CancellationToken.None);
        var leased = await Store.LeaseAsync(new TaskLeaseRequest(4, Lease), CancellationToken.None);
        await Store.CompleteAsync(leased[0] with { Status = WebhookTaskStatus.Failed, Attempts = 1, LastError = "x" }, Attempt(1, WebhookTaskStatus.Failed, "x"), CancellationToken.None);
        await Store.CompleteAsync(leased[1] with { Status = WebhookTaskStatus.Failed, Attempts = 1, LastError = "x" }, Attempt(1, WebhookTaskStatus.Failed, "x"), CancellationToken.None);
        await Store.CompleteAsync(leased[2] with { Status = WebhookTaskStatus.Failed, Attempts = 1, LastError = "x" }, Attempt(1, WebhookTaskStatus.Failed, "x"), CancellationToken.None);
        await Store.CompleteAsync(Done(leased[3], WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), CancellationToken.None);
        Time.Advance(TimeSpan.FromMinutes(1));

        var erp = await Store.RetryAsync(new TaskQuery { Route = "erp" }, CancellationToken.None);
        var again = await Store.RetryAsync(new TaskQuery { Route = "erp" }, CancellationToken.None);
        var one = await Store.RetryAsync(new TaskQuery { Id = leased[1].Id }, CancellationToken.None);
        var notFailed = await Store.RetryAsync(new TaskQuery { Id = leased[3].Id }, CancellationToken.None);
        var due = await Store.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None);

        one.Should().Be(1, "a single task is retried by its id");
        notFailed.Should().Be(0);
        erp.Should().Be(2, "two erp tasks failed; the finished one is left alone");
        again.Should().Be(0, "they are no longer failed");
        due.Select(t => t.Id).Should().BeEquivalentTo([leased[0].Id, leased[2].Id, leased[1].Id]);
        due.Should().OnlyContain(t => t.Attempts == 1);
    }

    [Test]
    public async Task Pruning_deletes_finished_and_skipped_tasks_older_than_the_cut_only()
    {
        await Store.AddAsync([NewTask("r1", "erp"), NewTask("r1", "shop"), NewTask("r1", "crm"), NewTask("r1", "log")], CancellationToken.None);
        var leased = await Store.LeaseAsync(new TaskLeaseRequest(4, Lease), CancellationToken.None);
        await Store.CompleteAsync(Done(leased[0], WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), CancellationToken.None);
        await Store.CompleteAsync(leased[1] with { Status = WebhookTaskStatus.Skipped, LastError = "not for the shop" }, null, CancellationToken.None);
        await Store.CompleteAsync(leased[2] with { Status = WebhookTaskStatus.Failed, Attempts = 1, LastError = "x" }, Attempt(1, WebhookTaskStatus.Failed, "x"), CancellationToken.None);
        Time.Advance(TimeSpan.FromDays(8));
        await Store.CompleteAsync(Done(leased[3], WebhookTaskStatus.Finished), Attempt(1, WebhookTaskStatus.Finished), CancellationToken.None);

        var pruned = await Store.PruneAsync(Time.GetUtcNow() - TimeSpan.FromDays(7), CancellationToken.None);

        pruned.Should().Be(2);
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(t => t.Route).Should().BeEquivalentTo(["crm", "log"]);
        (await Store.GetAttemptsAsync(leased[0].Id, CancellationToken.None)).Should().BeEmpty();
    }

    [Test]
    public async Task An_idempotency_key_is_held_by_the_first_committed_request_until_it_expires()
    {
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 2, 4, Start + TimeSpan.FromHours(1));
        await using (var first = await Store.BeginBatchAsync(CancellationToken.None))
        {
            await first.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
            (await first.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();
            await first.CommitAsync(CancellationToken.None);
        }

        await using (var second = await Store.BeginBatchAsync(CancellationToken.None))
        {
            await second.AddAsync([NewTask("r2", "erp")], CancellationToken.None);
            (await second.ClaimAsync(claim with { RequestId = "r2" }, CancellationToken.None)).Should().Be(claim);
        }

        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None)).Should().Be(claim);
        (await Store.FindRequestAsync("wms", "delivery-2", CancellationToken.None)).Should().BeNull();
        (await Store.FindRequestAsync("github", "delivery-1", CancellationToken.None)).Should().BeNull("keys belong to a webhook");
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(t => t.RequestId).Should().Equal("r1");

        Time.Advance(TimeSpan.FromHours(1));
        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None)).Should().BeNull("the window has passed");
        await using var third = await Store.BeginBatchAsync(CancellationToken.None);
        (await third.ClaimAsync(claim with { RequestId = "r3", ExpiresAt = Time.GetUtcNow() + TimeSpan.FromHours(1) }, CancellationToken.None)).Should().BeNull();
        await third.CommitAsync(CancellationToken.None);
        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None))!.RequestId.Should().Be("r3");
    }

    [Test]
    public async Task An_abandoned_claim_frees_its_key()
    {
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 1, 1, Start + TimeSpan.FromHours(1));
        await using (var abandoned = await Store.BeginBatchAsync(CancellationToken.None))
        {
            await abandoned.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
            (await abandoned.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();
        }

        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None)).Should().BeNull();
        await using var next = await Store.BeginBatchAsync(CancellationToken.None);
        (await next.ClaimAsync(claim with { RequestId = "r2" }, CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task A_claim_racing_an_uncommitted_one_waits_and_then_gets_the_committed_request()
    {
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 1, 1, Start + TimeSpan.FromHours(1));
        var first = await Store.BeginBatchAsync(CancellationToken.None);
        await first.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
        (await first.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();

        var second = await Store.BeginBatchAsync(CancellationToken.None);
        var racing = Task.Run(async () => await second.ClaimAsync(claim with { RequestId = "r2" }, CancellationToken.None));
        await Task.Delay(200);
        racing.IsCompleted.Should().BeFalse("the key is held by a batch that may still commit");
        await first.CommitAsync(CancellationToken.None);
        await first.DisposeAsync();

        (await racing.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(claim);
        await second.DisposeAsync();
    }

    /// <summary>A new task created now; the clock then moves on a millisecond, so tasks made one after another have a clear order.</summary>
    protected WebhookTask NewTask(string requestId, string route, byte[]? entity = null, string webhook = "wms")
    {
        var now = Time.GetUtcNow();
        Time.Advance(TimeSpan.FromMilliseconds(1));
        return new WebhookTask(Guid.CreateVersion7(now), requestId, webhook, route, entity ?? """{"orderId":"1"}"""u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
    }

    protected WebhookTask Done(WebhookTask leased, WebhookTaskStatus status) =>
        leased with { Status = status, Attempts = leased.Attempts + 1, LastError = null };

    protected TaskAttempt Attempt(int number, WebhookTaskStatus outcome, string? error = null) =>
        new(number, Time.GetUtcNow(), Time.GetUtcNow(), outcome, error);

    private async Task<int> CountAsync(TaskQuery query)
    {
        var count = 0;
        Guid? after = null;
        do
        {
            var page = await Store.QueryAsync(query with { Limit = TaskQuery.MaxLimit, After = after }, CancellationToken.None);
            count += page.Items.Count;
            after = page.Next;
        }
        while (after is not null);

        return count;
    }
}
