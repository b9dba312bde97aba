using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;
using Npgsql;

namespace Alumio.Webhooks.PostgreSql.Tests.Processing;

/// <summary>LISTEN/NOTIFY between instances: a commit on one wakes the processors of the others.</summary>
public class NotificationTests
{
    private string _schema = null!;

    [SetUp]
    public void NameSchema()
    {
        _ = TestDatabase.ConnectionString;
        _schema = TestDatabase.NewSchema();
    }

    [TearDown]
    public async Task DropSchema()
    {
        if (_schema is not null)
        {
            await TestDatabase.DropSchemaAsync(_schema);
        }
    }

    [Test]
    public async Task A_commit_on_one_instance_notifies_the_listener_of_another_and_an_abandoned_batch_does_not()
    {
        await using var listener = TestDatabase.CreateStore(TimeProvider.System, _schema);
        await using var writer = TestDatabase.CreateStore(TimeProvider.System, _schema);
        await listener.InitializeAsync(CancellationToken.None);
        var notifications = 0;
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var listen = listener.ListenAsync(() => Interlocked.Increment(ref notifications), listening.SetResult, stop.Token);
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await using (var abandoned = await writer.BeginBatchAsync(CancellationToken.None))
        {
            await abandoned.AddAsync([NewTask()], CancellationToken.None);
        }

        await Task.Delay(500);
        Volatile.Read(ref notifications).Should().Be(0, "nothing was stored");
        await writer.AddAsync([NewTask(), NewTask()], CancellationToken.None);
        await Eventually.Async(() => Volatile.Read(ref notifications) > 0, "the listener hears of the commit");

        await stop.CancelAsync();
        var stopped = async () => await listen;
        await stopped.Should().ThrowAsync<OperationCanceledException>();
    }

    [Test]
    public async Task A_request_received_by_one_instance_is_delivered_by_the_processor_of_another_that_was_woken_for_it()
    {
        await using var worker = AppInstance.Create(_schema, "alumio-worker-" + _schema, process: true);
        await using var receiver = AppInstance.Create(_schema, "alumio-receiver-" + _schema, process: false);
        await worker.StartAsync();
        await receiver.StartAsync();

        // Once listening, the worker's processor looks once and then waits up to its poll interval, an hour: only a
        // notification wakes it sooner.
        await Eventually.Async(async () => await ListenerAsync("alumio-worker-" + _schema) is not null, "the worker listens");
        await Task.Delay(500);
        worker.Delivered.Should().BeEmpty();
        var received = await receiver.Receiver.ReceiveAsync("hook", new JsonRequest("""{"orderId":"7"}"""), CancellationToken.None);
        received.Succeeded.Should().BeTrue();

        await Eventually.Async(() => worker.Delivered.Count == 1, "the worker delivers the task the receiver stored");
        worker.Delivered.Single().Should().Be("""{"orderId":"7"}""");
        receiver.Delivered.Should().BeEmpty("the receiving instance does not process");
        await Eventually.Async(async () => (await receiver.Store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Finished }, CancellationToken.None)).Items.Count == 1, "the outcome is stored");
    }

    [Test]
    public async Task A_listener_whose_connection_is_cut_connects_again_and_wakes_its_processor_again()
    {
        var application = "alumio-worker-" + _schema;
        await using var worker = AppInstance.Create(_schema, application, process: true);
        await using var receiver = AppInstance.Create(_schema, "alumio-receiver-" + _schema, process: false);
        await worker.StartAsync();
        await receiver.StartAsync();
        int? first = null;
        await Eventually.Async(async () => (first = await ListenerAsync(application)) is not null, "the worker listens");

        await TestDatabase.ExecuteAsync($"SELECT pg_terminate_backend({first})");
        int? second = null;
        await Eventually.Async(async () => (second = await ListenerAsync(application)) is { } pid && pid != first, "the listener connects again after its pause");
        await Task.Delay(1000);
        await receiver.Receiver.ReceiveAsync("hook", new JsonRequest("""{"orderId":"8"}"""), CancellationToken.None);

        await Eventually.Async(() => worker.Delivered.Count == 1, "the worker, woken by the new listener, delivers the task");
    }

    [Test]
    public async Task Two_instances_receiving_the_same_idempotency_key_at_once_store_it_once()
    {
        await using var first = AppInstance.Create(_schema, "alumio-a-" + _schema, process: false);
        await using var second = AppInstance.Create(_schema, "alumio-b-" + _schema, process: false);
        await first.StartAsync();
        await second.StartAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(async () =>
            await (i % 2 == 0 ? first : second).Receiver.ReceiveAsync("hook", new JsonRequest("""{"orderId":"9"}""", ("Idempotency-Key", "delivery-9")), CancellationToken.None))));

        results.Should().OnlyContain(result => result.Succeeded);
        results.Select(result => result.RequestId).Distinct().Should().ContainSingle("every repeat is answered with the request that was stored");
        results.Count(result => !result.Duplicate).Should().Be(1);
        (await first.Store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().ContainSingle();
    }

    /// <summary>The process id of the backend listening for an application, or <see langword="null"/>.</summary>
    private static async Task<int?> ListenerAsync(string application)
    {
        await using var dataSource = NpgsqlDataSource.Create(TestDatabase.ConnectionString);
        await using var command = dataSource.CreateCommand("SELECT pid FROM pg_stat_activity WHERE application_name = @application AND query LIKE 'LISTEN%'");
        command.Parameters.AddWithValue("application", application);
        return (int?)await command.ExecuteScalarAsync();
    }

    private static WebhookTask NewTask()
    {
        var now = TimeProvider.System.GetUtcNow();
        return new WebhookTask(Guid.CreateVersion7(now), "r1", "hook", "r", "{}"u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
    }
}
