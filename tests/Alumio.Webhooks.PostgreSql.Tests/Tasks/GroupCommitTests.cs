using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;
using Npgsql;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>Small batches committed together by the group writer: grouped, each durable before its commit returns, failing alone.</summary>
public class GroupCommitTests : PostgreSqlStoreFixture
{
    [Test]
    public async Task Small_commits_waiting_together_are_stored_in_one_transaction_and_each_returns_once_it_committed()
    {
        const int Batches = 40;
        var committer = Store.GroupCommitter;
        Task[] commits;
        using (committer.Pause())
        {
            commits = Enumerable.Range(0, Batches).Select(i => Task.Run(async () =>
            {
                await using var batch = await Store.BeginBatchAsync(CancellationToken.None);
                await batch.AddAsync([NewTask("r" + i, "erp"), NewTask("r" + i, "shop")], CancellationToken.None);
                await batch.CommitAsync(CancellationToken.None);
            })).ToArray();
            await Eventually.Async(() => committer.Queued == Batches, "every commit waits for the paused writer");
            commits.Should().OnlyContain(commit => !commit.IsCompleted, "no commit returns before its transaction committed");
            (await CountAsync("tasks")).Should().Be(0);
        }

        await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(30));

        committer.Transactions.Should().Be(1, "the writer took every waiting commit into one transaction");
        committer.Commits.Should().Be(Batches);
        (await CountAsync("tasks")).Should().Be(2 * Batches);
    }

    [Test]
    public async Task Many_concurrent_small_commits_all_land_in_fewer_transactions_than_commits()
    {
        const int Writers = 32;
        const int PerWriter = 20;
        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await using var batch = await Store.BeginBatchAsync(CancellationToken.None);
                await batch.AddAsync([NewTask($"r{writer}-{i}", "erp"), NewTask($"r{writer}-{i}", "shop")], CancellationToken.None);
                await batch.CommitAsync(CancellationToken.None);
            }
        })));

        var committer = Store.GroupCommitter;
        await TestContext.Out.WriteLineAsync($"{committer.Commits} commits in {committer.Transactions} transactions");
        committer.Commits.Should().Be(Writers * PerWriter);
        committer.Transactions.Should().BeLessThanOrEqualTo(committer.Commits);
        (await CountAsync("tasks")).Should().Be(2 * Writers * PerWriter);
        (await TestDatabase.ScalarAsync<long>($"SELECT count(DISTINCT request_id) FROM \"{Schema}\".tasks")).Should().Be(Writers * PerWriter, "every batch is whole");
    }

    [Test]
    public async Task A_commit_with_a_task_id_already_stored_fails_alone_and_the_others_in_its_group_are_stored()
    {
        var stored = NewTask("r0", "erp");
        await Store.AddAsync([stored], CancellationToken.None);
        var committer = Store.GroupCommitter;
        var before = committer.Commits;

        Task<Exception?>[] commits;
        using (committer.Pause())
        {
            commits = Enumerable.Range(1, 10).Select(i =>
            {
                // The fifth request repeats the stored task's id next to a new task of its own.
                var tasks = i == 5 ? new[] { NewTask("r5", "shop"), stored with { RequestId = "r5" } } : [NewTask("r" + i, "erp"), NewTask("r" + i, "shop")];
                return CommitCatchingAsync(Store, tasks);
            }).ToArray();
            await Eventually.Async(() => committer.Queued == 10, "the commits wait together");
        }

        var outcomes = await Task.WhenAll(commits).WaitAsync(TimeSpan.FromSeconds(30));

        outcomes[4].Should().BeOfType<PostgresException>().Which.SqlState.Should().Be(PostgresErrorCodes.UniqueViolation);
        outcomes.Where((_, i) => i != 4).Should().OnlyContain(outcome => outcome == null, "one request's failure is its own");
        committer.Commits.Should().Be(before + 9);
        (await CountAsync("tasks", "request_id = 'r5'")).Should().Be(0, "nothing of the failed request is stored");
        (await CountAsync("tasks")).Should().Be(1 + 18);
    }

    [Test]
    public async Task A_claim_committed_meanwhile_by_a_writer_that_takes_no_claim_lock_fails_only_its_own_commit()
    {
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 1, 1, Start + TimeSpan.FromHours(1));
        var committer = Store.GroupCommitter;
        Task<Exception?> contested;
        Task<Exception?>[] others;
        using (committer.Pause())
        {
            var batch = await Store.BeginBatchAsync(CancellationToken.None);
            await batch.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
            (await batch.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();

            // Another writer (an older version of the library, say) stores a live claim of the key without the lock.
            await TestDatabase.ExecuteAsync($"""
                INSERT INTO "{Schema}".idempotency_claims (webhook, key, request_id, items, tasks, expires_at)
                VALUES ('wms', 'delivery-1', 'elsewhere', 3, 6, '2026-11-30 11:00:00+00')
                """);
            contested = CommitCatchingAsync(batch);
            others =
            [
                CommitCatchingAsync(Store, [NewTask("r2", "erp")]),
                CommitCatchingAsync(Store, [NewTask("r3", "erp")], claim with { Key = "delivery-3", RequestId = "r3" }),
            ];
            await Eventually.Async(() => committer.Queued == 3, "the commits wait together");
        }

        var held = (await contested.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeOfType<ClaimHeldException>().Subject;
        held.Held!.RequestId.Should().Be("elsewhere");
        (await Task.WhenAll(others)).Should().OnlyContain(outcome => outcome == null);
        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None))!.RequestId.Should().Be("elsewhere");
        (await Store.FindRequestAsync("wms", "delivery-3", CancellationToken.None))!.RequestId.Should().Be("r3");
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(task => task.RequestId).Should().BeEquivalentTo(["r2", "r3"]);
    }

    [Test]
    public async Task A_claimer_on_another_instance_waits_while_the_holder_s_commit_waits_in_a_group_and_then_gets_the_committed_request()
    {
        var other = await OpenAnotherStoreAsync();
        var claim = new IdempotentRequest("wms", "delivery-1", "r1", 1, 1, Start + TimeSpan.FromHours(1));
        var first = await Store.BeginBatchAsync(CancellationToken.None);
        await first.AddAsync([NewTask("r1", "erp")], CancellationToken.None);
        (await first.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();

        Task committing;
        Task<IdempotentRequest?> racing;
        await using var second = await other.BeginBatchAsync(CancellationToken.None);
        using (Store.GroupCommitter.Pause())
        {
            committing = first.CommitAsync(CancellationToken.None).AsTask();
            await Eventually.Async(() => Store.GroupCommitter.Queued == 1, "the commit waits for the writer");
            racing = second.ClaimAsync(claim with { RequestId = "r2" }, CancellationToken.None).AsTask();
            await Task.Delay(300);
            racing.IsCompleted.Should().BeFalse("the holder's commit has not happened yet");
        }

        await committing.WaitAsync(TimeSpan.FromSeconds(30));
        await first.DisposeAsync();
        (await racing.WaitAsync(TimeSpan.FromSeconds(30))).Should().Be(claim);
    }

    [Test]
    public async Task Batches_on_two_instances_racing_for_one_key_store_it_once_and_every_other_gets_that_request()
    {
        var other = await OpenAnotherStoreAsync();
        const int Racers = 16;
        var expires = Start + TimeSpan.FromHours(1);

        var results = await Task.WhenAll(Enumerable.Range(0, Racers).Select(i => Task.Run(async () =>
        {
            var store = i % 2 == 0 ? Store : other;
            var requestId = "r" + i;
            await using var batch = await store.BeginBatchAsync(CancellationToken.None);
            await batch.AddAsync([NewTask(requestId, "erp"), NewTask(requestId, "shop")], CancellationToken.None);
            var held = await batch.ClaimAsync(new IdempotentRequest("wms", "delivery-1", requestId, 1, 2, expires), CancellationToken.None);
            if (held is not null)
            {
                return held.RequestId;
            }

            await batch.CommitAsync(CancellationToken.None);
            return requestId;
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        var winner = (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None))!.RequestId;
        results.Should().OnlyContain(requestId => requestId == winner, "every racer either stored the key or was answered with the one that did");
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(task => task.RequestId).Should().Equal(winner, winner);
    }

    [Test]
    public async Task Batches_holding_claim_locks_leave_the_group_writer_a_connection_even_in_a_small_pool()
    {
        // Six connections, of which claim locks may hold three; a pool wait that runs out fails after two seconds.
        var small = new NpgsqlConnectionStringBuilder(TestDatabase.ConnectionString) { MaxPoolSize = 6, Timeout = 2 }.ConnectionString;
        var other = await OpenAnotherStoreAsync(small);
        const int Batches = 24;

        var outcomes = await Task.WhenAll(Enumerable.Range(0, Batches).Select(i => Task.Run(async () =>
        {
            try
            {
                return await CommitCatchingAsync(other, [NewTask("r" + i, "erp")], new IdempotentRequest("wms", "delivery-" + i, "r" + i, 1, 1, Start + TimeSpan.FromHours(1)));
            }
            catch (Exception exception)
            {
                return exception;
            }
        }))).WaitAsync(TimeSpan.FromSeconds(60));

        outcomes.Should().OnlyContain(outcome => outcome == null, "no batch waits for a writer that waits for the batches' connections");
        (await CountAsync("idempotency_claims")).Should().Be(Batches);
        (await CountAsync("tasks")).Should().Be(Batches);
    }

    [Test]
    public async Task A_commit_cancelled_while_it_waits_for_the_writer_stores_nothing_and_the_rest_of_its_group_is_stored()
    {
        using var cancel = new CancellationTokenSource();
        var committer = Store.GroupCommitter;
        Task<Exception?> cancelled;
        Task<Exception?> kept;
        using (committer.Pause())
        {
            cancelled = CommitCatchingAsync(Store, [NewTask("r1", "erp")], cancellationToken: cancel.Token);
            kept = CommitCatchingAsync(Store, [NewTask("r2", "erp")]);
            await Eventually.Async(() => committer.Queued == 2, "both commits wait");
            await cancel.CancelAsync();
            (await cancelled.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeAssignableTo<OperationCanceledException>();
        }

        (await kept.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeNull();
        (await Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Select(task => task.RequestId).Should().Equal("r2");
    }

    [Test]
    public async Task A_batch_stays_in_memory_below_512_tasks_and_streams_from_512_on_its_claim_included()
    {
        var small = (PostgreSqlTaskBatch)await Store.BeginBatchAsync(CancellationToken.None);
        await using (small)
        {
            await small.AddAsync(Enumerable.Range(0, 511).Select(_ => NewTask("small", "erp")).ToList(), CancellationToken.None);
            small.Streaming.Should().BeFalse();
            await small.CommitAsync(CancellationToken.None);
        }

        Store.GroupCommitter.Commits.Should().Be(1);
        var claim = new IdempotentRequest("wms", "delivery-1", "large", 1, 600, Start + TimeSpan.FromHours(1));
        var large = (PostgreSqlTaskBatch)await Store.BeginBatchAsync(CancellationToken.None);
        await using (large)
        {
            await large.AddAsync(Enumerable.Range(0, 300).Select(_ => NewTask("large", "erp")).ToList(), CancellationToken.None);
            (await large.ClaimAsync(claim, CancellationToken.None)).Should().BeNull("the claim's transaction becomes the one the batch streams into");
            await large.AddAsync(Enumerable.Range(0, 300).Select(_ => NewTask("large", "shop")).ToList(), CancellationToken.None);
            large.Streaming.Should().BeTrue();
            (await CountAsync("tasks")).Should().Be(511, "streamed rows are not visible before the commit");
            (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None)).Should().BeNull();
            await large.CommitAsync(CancellationToken.None);
        }

        Store.GroupCommitter.Commits.Should().Be(1, "a streaming batch commits its own transaction");
        (await CountAsync("tasks", "request_id = 'large'")).Should().Be(600);
        (await Store.FindRequestAsync("wms", "delivery-1", CancellationToken.None)).Should().Be(claim);
    }

    [Test]
    public async Task Disposing_the_store_fails_the_commits_still_waiting_and_stores_nothing_of_them()
    {
        Task<Exception?> waiting;
        using (Store.GroupCommitter.Pause())
        {
            waiting = CommitCatchingAsync(Store, [NewTask("r1", "erp")]);
            await Eventually.Async(() => Store.GroupCommitter.Queued == 1, "the commit waits");
            await Store.DisposeAsync();
        }

        (await waiting.WaitAsync(TimeSpan.FromSeconds(30))).Should().BeOfType<ObjectDisposedException>();
        (await CountAsync("tasks")).Should().Be(0);
    }

    /// <summary>Begins a batch with the tasks (and claim), commits it, and gives what the commit threw, if anything.</summary>
    private static async Task<Exception?> CommitCatchingAsync(PostgreSqlTaskStore store, IReadOnlyList<WebhookTask> tasks, IdempotentRequest? claim = null, CancellationToken cancellationToken = default)
    {
        var batch = await store.BeginBatchAsync(CancellationToken.None);
        await batch.AddAsync(tasks, CancellationToken.None);
        if (claim is not null)
        {
            (await batch.ClaimAsync(claim, CancellationToken.None)).Should().BeNull();
        }

        return await CommitCatchingAsync(batch, cancellationToken);
    }

    private static async Task<Exception?> CommitCatchingAsync(ITaskBatch batch, CancellationToken cancellationToken = default)
    {
        await using (batch)
        {
            try
            {
                await batch.CommitAsync(cancellationToken);
                return null;
            }
            catch (Exception exception)
            {
                return exception;
            }
        }
    }

    private Task<long> CountAsync(string table, string? where = null) =>
        TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{Schema}\".{table}{(where is null ? string.Empty : " WHERE " + where)}");

    private WebhookTask NewTask(string requestId, string route)
    {
        var now = Time.GetUtcNow();
        return new WebhookTask(Guid.CreateVersion7(now), requestId, "wms", route, """{"orderId":"1"}"""u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
    }
}
