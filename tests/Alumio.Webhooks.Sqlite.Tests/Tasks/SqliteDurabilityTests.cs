using Alumio.Webhooks.Sqlite.Tests.Support;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Sqlite.Tests.Tasks;

/// <summary>What the file keeps across closing, abandoning and crashing.</summary>
public class SqliteDurabilityTests : SqliteStoreFixture
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Test]
    public async Task Tasks_attempts_leases_and_claims_survive_closing_and_reopening_the_file()
    {
        var store = Open();
        var done = NewTask("r1");
        var leased = NewTask("r1", "shop");
        var waiting = NewTask("r1", "crm");
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 1, 3, Start + TimeSpan.FromHours(1));
        await using (var batch = await store.BeginBatchAsync(CancellationToken.None))
        {
            await batch.AddAsync([done, leased, waiting], CancellationToken.None);
            (await batch.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();
            await batch.CommitAsync(CancellationToken.None);
        }

        var lease = await store.LeaseAsync(new TaskLeaseRequest(2, Lease), CancellationToken.None);
        var attempt = new TaskAttempt(1, Time.GetUtcNow(), Time.GetUtcNow() + TimeSpan.FromMilliseconds(250), WebhookTaskStatus.Finished, null);
        (await store.CompleteAsync(lease[0] with { Status = WebhookTaskStatus.Finished, Attempts = 1 }, attempt, CancellationToken.None)).Should().BeTrue();
        await store.DisposeAsync();

        var reopened = Open();

        (await reopened.GetAsync(done.Id, CancellationToken.None))!.Status.Should().Be(WebhookTaskStatus.Finished);
        (await reopened.GetAttemptsAsync(done.Id, CancellationToken.None)).Should().Equal(attempt);
        var stillLeased = await reopened.GetAsync(leased.Id, CancellationToken.None);
        stillLeased.Should().BeEquivalentTo(lease[1], options => options.Excluding(t => t.Entity).Excluding(t => t.EntityUtf8));
        (await reopened.FindRequestAsync("wms", "delivery-1", CancellationToken.None)).Should().Be(claim);
        Time.Advance(TimeSpan.FromMinutes(1));
        (await reopened.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Select(t => t.Id).Should().Equal(waiting.Id);
        Time.Advance(Lease - TimeSpan.FromMinutes(1));
        (await reopened.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Select(t => t.Id).Should().Equal([leased.Id], "a lease held when the store closed runs out as usual");
    }

    [Test]
    public async Task Times_are_read_back_to_the_tick_in_UTC()
    {
        var store = Open();
        var created = new DateTimeOffset(2026, 11, 30, 11, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var task = NewTask("r1") with { CreatedAt = created, UpdatedAt = created };

        await store.AddAsync([task], CancellationToken.None);
        var read = await store.GetAsync(task.Id, CancellationToken.None);

        read!.CreatedAt.UtcTicks.Should().Be(created.UtcTicks);
        read.CreatedAt.Offset.Should().Be(TimeSpan.Zero);
        read.UpdatedAt.Should().Be(created);
    }

    [Test]
    public async Task Values_are_stored_with_their_types_and_empty_text_stays_empty_not_null()
    {
        var store = Open();
        var lease = Guid.NewGuid();
        var task = NewTask("r1", "Ünïcode-route ☕") with { LastError = string.Empty, LeaseId = lease, EntityUtf8 = """{"name":"Café"}"""u8.ToArray() };

        await store.AddAsync([task], CancellationToken.None);
        var read = await store.GetAsync(task.Id, CancellationToken.None);

        read!.LastError.Should().BeEmpty();
        read.Route.Should().Be("Ünïcode-route ☕");
        read.LeaseId.Should().Be(lease);
        read.EntityUtf8.ToArray().Should().Equal("""{"name":"Café"}"""u8.ToArray());
        Scalar(Database, "SELECT count(*) FROM tasks WHERE typeof(id) = 'blob' AND length(id) = 16 AND typeof(request_id) = 'text' AND typeof(webhook) = 'text' AND typeof(entity) = 'blob' "
            + "AND typeof(status) = 'integer' AND typeof(created_at) = 'integer' AND typeof(due_at) = 'integer' AND typeof(lease_id) = 'blob' AND last_error = '' AND batch IS NULL").Should().Be(1);
    }

    [Test]
    public async Task An_abandoned_batch_is_never_visible_and_its_staged_rows_are_deleted()
    {
        var store = Open();
        var batch = await store.BeginBatchAsync(CancellationToken.None);
        for (var part = 0; part < 50; part++)
        {
            await batch.AddAsync([.. Enumerable.Range(0, 512).Select(_ => NewTask("abandoned"))], CancellationToken.None);
        }

        Scalar(Database, "SELECT count(*) FROM tasks WHERE batch IS NOT NULL").Should().Be(25_600, "the tasks are written ahead");
        await batch.DisposeAsync();

        (await AllAsync(store)).Should().BeEmpty();
        await EventuallyAsync(() => Scalar(Database, "SELECT count(*) FROM tasks") == 0);
    }

    [Test]
    public async Task Staged_rows_left_by_a_crash_are_invisible_and_deleted_when_the_file_opens_again()
    {
        var store = Open();
        var kept = NewTask("committed");
        await store.AddAsync([kept], CancellationToken.None);
        var inFlight = await store.BeginBatchAsync(CancellationToken.None);
        await inFlight.AddAsync([.. Enumerable.Range(0, 1000).Select(_ => NewTask("in-flight"))], CancellationToken.None);

        // The file and its WAL as a kill -9 or a power cut would leave them, while the request is still streaming.
        var crashed = CrashCopy(Database);
        Scalar(crashed, "SELECT count(*) FROM tasks WHERE batch IS NOT NULL").Should().Be(1000);

        var recovered = Open(crashed);

        (await AllAsync(recovered)).Select(t => t.Id).Should().Equal(kept.Id);
        (await recovered.LeaseAsync(new TaskLeaseRequest(10, Lease), CancellationToken.None)).Select(t => t.Id).Should().Equal(kept.Id);
        Scalar(crashed, "SELECT count(*) FROM tasks").Should().Be(1, "the staged rows were deleted at start-up");

        await inFlight.CommitAsync(CancellationToken.None);
        (await AllAsync(store)).Should().HaveCount(1001, "the original store goes on as if nothing happened");
        await inFlight.DisposeAsync();
    }

    [Test]
    public async Task A_batch_still_open_when_the_store_closes_is_deleted_when_the_file_opens_again()
    {
        var store = Open();
        var open = await store.BeginBatchAsync(CancellationToken.None);
        await open.AddAsync([NewTask("r1"), NewTask("r1")], CancellationToken.None);
        await store.DisposeAsync();
        await open.DisposeAsync();

        var reopened = Open();

        (await AllAsync(reopened)).Should().BeEmpty();
        Scalar(Database, "SELECT count(*) FROM tasks").Should().Be(0);
        var action = async () => await open.CommitAsync(CancellationToken.None);
        await action.Should().ThrowAsync<InvalidOperationException>();
    }

    [Test]
    public async Task A_batch_of_100_000_tasks_streamed_in_parts_of_512_commits_whole_without_holding_them_in_memory()
    {
        var store = Open();
        var batch = await store.BeginBatchAsync(CancellationToken.None);
        var part = new List<WebhookTask>(512);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < 100_000; i++)
        {
            part.Add(NewTask("big", i % 2 == 0 ? "erp" : "shop"));
            if (part.Count == 512 || i == 99_999)
            {
                // The receiver reuses its list after each call, as RequestTaskWriter does.
                await batch.AddAsync(part, CancellationToken.None);
                part.Clear();
            }
        }

        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        (await store.QueryAsync(new TaskQuery { RequestId = "big" }, CancellationToken.None)).Items.Should().BeEmpty();
        Scalar(Database, "SELECT count(*) FROM tasks WHERE batch IS NOT NULL").Should().Be(195 * 512, "every full part is written ahead; the last 160 tasks go with the commit");
        grown.Should().BeLessThan(8 * 1024 * 1024, "the staged tasks are in the file, not in memory");

        await batch.CommitAsync(CancellationToken.None);
        await batch.DisposeAsync();

        (await AllAsync(store, new TaskQuery { RequestId = "big" })).Should().HaveCount(100_000);
        (await AllAsync(store, new TaskQuery { Route = "SHOP" })).Should().HaveCount(50_000);
        Scalar(Database, "SELECT count(*) FROM tasks WHERE batch IS NOT NULL").Should().Be(0);
    }

    [Test]
    public async Task A_second_store_on_the_same_file_fails_to_open_until_the_first_closes()
    {
        var first = Open();

        var second = () => Open();

        second.Should().Throw<InvalidOperationException>().WithMessage("*in use by another SqliteTaskStore*");
        await first.DisposeAsync();
        second.Should().NotThrow();
    }

    [Test]
    public void A_file_in_a_missing_folder_is_reported_as_missing_not_as_in_use()
    {
        var open = () => new SqliteTaskStore($"Data Source={Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "tasks.db")}", new SqliteTaskStoreOptions(), Time);

        open.Should().Throw<DirectoryNotFoundException>();
    }

    [Test]
    public async Task Closing_twice_is_harmless_and_a_closed_store_refuses_work()
    {
        var store = Open();
        await store.DisposeAsync();
        await store.DisposeAsync();
        store.Dispose();

        var lease = async () => await store.LeaseAsync(new TaskLeaseRequest(1, Lease), CancellationToken.None);
        var get = async () => await store.GetAsync(Guid.NewGuid(), CancellationToken.None);

        await lease.Should().ThrowAsync<ObjectDisposedException>();
        await get.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Test]
    public void The_journal_is_WAL()
    {
        Open();

        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";
        command.ExecuteScalar().Should().Be("wal");
    }
}
