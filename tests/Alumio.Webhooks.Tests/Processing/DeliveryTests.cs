using System.Collections.Concurrent;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alumio.Webhooks.Tests.Processing;

/// <summary>Retries, per-route limits, real-time routes, graceful stops and retention.</summary>
public class DeliveryTests
{
    [Test]
    public async Task A_failing_delivery_is_retried_with_growing_jittered_waits_until_it_succeeds()
    {
        var calls = 0;
        var sink = new RecordingOutgoing(_ => ++calls <= 2 ? OutgoingResult.TransientFailure("answered 503", 503) : OutgoingResult.Success(200));
        await using var host = Host(sink, route => route.Retry(5));
        await ReceiveAsync(host, """[{"id":1}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var first = (await host.AllTasksAsync()).Single();
        var firstWait = first.DueAt!.Value - host.Time.GetUtcNow();
        host.Time.Advance(firstWait);
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var second = (await host.AllTasksAsync()).Single();
        var secondWait = second.DueAt!.Value - host.Time.GetUtcNow();
        (await host.Processor.ProcessAllDueAsync(CancellationToken.None)).Should().Be(0, "the retry is not due yet");
        host.Time.Advance(secondWait);
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var done = (await host.AllTasksAsync()).Single();

        first.Status.Should().Be(WebhookTaskStatus.Retry);
        first.Attempts.Should().Be(1);
        first.LastError.Should().Be("Outgoing 'sink': answered 503");
        firstWait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(15)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(30));
        secondWait.Should().BeGreaterThanOrEqualTo(TimeSpan.FromSeconds(30)).And.BeLessThanOrEqualTo(TimeSpan.FromSeconds(60));
        done.Status.Should().Be(WebhookTaskStatus.Finished);
        done.Attempts.Should().Be(3);
        done.LastError.Should().BeNull();
        var history = await host.Store.GetAttemptsAsync(done.Id, CancellationToken.None);
        history.Select(a => (a.Number, a.Outcome)).Should().Equal((1, WebhookTaskStatus.Retry), (2, WebhookTaskStatus.Retry), (3, WebhookTaskStatus.Finished));
    }

    [Test]
    public async Task A_task_fails_once_its_retries_are_spent()
    {
        var sink = new RecordingOutgoing(_ => OutgoingResult.TransientFailure("timed out"));
        await using var host = Host(sink, route => route.Retry(2, TimeSpan.FromMinutes(1)));
        await ReceiveAsync(host, """[{"id":1}]""");

        for (var i = 0; i < 5; i++)
        {
            await host.Processor.ProcessAllDueAsync(CancellationToken.None);
            host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Failed);
        task.Attempts.Should().Be(3, "the first attempt and two retries");
        sink.Sent.Should().HaveCount(3);
    }

    [TestCase(400)]
    [TestCase(404)]
    [TestCase(422)]
    public async Task A_permanent_refusal_fails_at_once_whatever_the_retries(int status)
    {
        var sink = new RecordingOutgoing(_ => OutgoingResult.PermanentFailure($"answered {status}", status));
        await using var host = Host(sink, route => route.Retry(10));
        await ReceiveAsync(host, """[{"id":1}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Failed);
        task.Attempts.Should().Be(1);
    }

    [Test]
    public async Task A_receivers_retry_after_is_honoured_up_to_the_routes_max_interval()
    {
        var waits = new Queue<TimeSpan>([TimeSpan.FromSeconds(90), TimeSpan.FromHours(3)]);
        var sink = new RecordingOutgoing(_ => OutgoingResult.TransientFailure("answered 429", 429, waits.Count > 0 ? waits.Dequeue() : null));
        await using var host = Host(sink, route => route.Retry(5, TimeSpan.FromHours(1)));
        await ReceiveAsync(host, """[{"id":1}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var first = (await host.AllTasksAsync()).Single();
        var firstWait = first.DueAt!.Value - host.Time.GetUtcNow();
        host.Time.Advance(firstWait);
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var second = (await host.AllTasksAsync()).Single();

        firstWait.Should().Be(TimeSpan.FromSeconds(90));
        (second.DueAt!.Value - host.Time.GetUtcNow()).Should().Be(TimeSpan.FromHours(1), "Retry-After is capped at MaxInterval");
    }

    [Test]
    public void Backoff_doubles_from_thirty_seconds_up_to_the_max_interval_and_jitter_takes_off_at_most_half()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromHours(6));

        policy.Backoff(1, 0).Should().Be(TimeSpan.FromSeconds(30));
        policy.Backoff(1, 0.999999).Should().BeCloseTo(TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(1));
        policy.Backoff(4, 0).Should().Be(TimeSpan.FromMinutes(4));
        policy.Backoff(10, 0).Should().Be(TimeSpan.FromHours(4.2666666666666666));
        policy.Backoff(11, 0).Should().Be(TimeSpan.FromHours(6));
        FluentActions.Invoking(() => new RetryPolicy(11)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new RetryPolicy(1, TimeSpan.FromHours(7))).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Test]
    public async Task A_route_never_runs_more_tasks_at_once_than_its_limit_and_other_routes_go_on()
    {
        var running = 0;
        var peak = 0;
        var gate = new SemaphoreSlim(0);
        var slow = new DelegateOutgoing(async (_, _, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await gate.WaitAsync(TimeSpan.FromSeconds(10));
            Interlocked.Decrement(ref running);
            return OutgoingResult.Success();
        });
        var fast = new RecordingOutgoing();
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("slow", outgoing => outgoing.Use(slow))
            .AddOutgoing("fast", outgoing => outgoing.Use(fast))
            .AddRoute("limited", route => route.From("in").To("slow").MaxConcurrency(2))
            .AddRoute("free", route => route.From("in").To("fast"))
            .ConfigureProcessor(options => { options.BatchSize = 20; options.MaxConcurrency = 8; }));
        await ReceiveAsync(host, "[1,2,3,4,5,6]");

        var processing = host.Processor.ProcessAllDueAsync(CancellationToken.None).AsTask();
        while (Volatile.Read(ref running) < 2)
        {
            await Task.Delay(10);
        }

        await Task.Delay(100);
        gate.Release(100);
        await processing.WaitAsync(TimeSpan.FromSeconds(30));

        peak.Should().Be(2);
        fast.Sent.Should().HaveCount(6);
        (await host.AllTasksAsync()).Should().OnlyContain(t => t.Status == WebhookTaskStatus.Finished);
    }

    [Test]
    public async Task A_real_time_route_delivers_before_the_webhook_answers_and_other_routes_wait_for_the_processor()
    {
        var now = new RecordingOutgoing();
        var later = new RecordingOutgoing();
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("now", outgoing => outgoing.Use(now))
            .AddOutgoing("later", outgoing => outgoing.Use(later))
            .AddRoute("real-time", route => route.From("in").To("now").RealTime())
            .AddRoute("background", route => route.From("in").To("later")));

        var result = await host.Receiver.ReceiveAsync("hook", new TestRequest("""[{"id":1},{"id":2}]"""), CancellationToken.None);

        result.Tasks.Should().Be(4);
        now.Sent.Should().HaveCount(2, "real-time tasks are delivered before ReceiveAsync returns");
        later.Sent.Should().BeEmpty();
        var tasks = await host.AllTasksAsync();
        tasks.Where(t => t.Route == "real-time").Should().OnlyContain(t => t.Status == WebhookTaskStatus.Finished);
        tasks.Where(t => t.Route == "background").Should().OnlyContain(t => t.Status == WebhookTaskStatus.New);
    }

    [Test]
    public async Task A_failed_real_time_delivery_still_answers_200_and_goes_on_to_retries()
    {
        var sink = new RecordingOutgoing(_ => OutgoingResult.TransientFailure("answered 502", 502));
        await using var host = Host(sink, route => route.RealTime().Retry(3));

        var result = await host.Receiver.ReceiveAsync("hook", new TestRequest("""[{"id":1}]"""), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        sink.Sent.Should().ContainSingle();
        (await host.AllTasksAsync()).Single().Status.Should().Be(WebhookTaskStatus.Retry);
    }

    [Test]
    public async Task A_stopping_processor_finishes_deliveries_in_flight_and_gives_back_the_rest()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var delivered = new ConcurrentBag<string>();
        var sink = new DelegateOutgoing(async (entity, _, _) =>
        {
            started.TrySetResult();
            await release.Task;
            delivered.Add(entity.ToJsonString());
            return OutgoingResult.Success();
        });
        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
                .AddWebhook("hook", webhook => webhook.Incoming("in"))
                .AddOutgoing("sink", outgoing => outgoing.Use(sink))
                .AddRoute("r", route => route.From("in").To("sink"))
                .ConfigureProcessor(options => { options.BatchSize = 10; options.MaxConcurrency = 1; }));
        await ReceiveAsync(host, "[1,2,3,4,5]");
        using var stopping = new CancellationTokenSource();

        var batch = host.Processor.ProcessBatchAsync(stopping.Token).AsTask();
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.CancelAsync();
        release.SetResult();
        await batch.WaitAsync(TimeSpan.FromSeconds(10));

        delivered.Should().ContainSingle("the delivery in flight is finished");
        var tasks = await host.AllTasksAsync();
        tasks.Count(t => t.Status == WebhookTaskStatus.Finished).Should().Be(1);
        tasks.Count(t => t.Status == WebhookTaskStatus.New).Should().Be(4, "unstarted tasks are given back, due at once, not left leased");
        tasks.Should().OnlyContain(t => t.LeaseId == null);
    }

    [Test]
    public async Task The_background_processor_prunes_finished_tasks_after_the_retention()
    {
        var sink = new RecordingOutgoing();
        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
                .AddWebhook("hook", webhook => webhook.Incoming("in"))
                .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing(entity => entity.GetValue<int>() == 2 ? OutgoingResult.PermanentFailure("no") : OutgoingResult.Success())))
                .AddRoute("r", route => route.From("in").To("sink"))
                .ConfigureProcessor(options =>
                {
                    options.Enabled = true;
                    options.Retention = TimeSpan.FromDays(7);
                    options.PruneInterval = TimeSpan.FromMinutes(1);
                    options.PollInterval = TimeSpan.FromSeconds(1);
                }));
        var service = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single(s => s.GetType().Name == "TaskProcessorService");
        await service.StartAsync(CancellationToken.None);
        try
        {
            await ReceiveAsync(host, "[1,2]");
            await Eventually(async () => (await host.AllTasksAsync()).All(t => t.Status is WebhookTaskStatus.Finished or WebhookTaskStatus.Failed));

            host.Time.Advance(TimeSpan.FromDays(8));

            // The fake clock moves on while waiting, so a poll timer started after the jump fires too.
            await Eventually(async () =>
            {
                host.Time.Advance(TimeSpan.FromSeconds(1));
                return (await host.AllTasksAsync()).Count == 1;
            });

            (await host.AllTasksAsync()).Single().Status.Should().Be(WebhookTaskStatus.Failed, "failed tasks wait for someone to look");
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    [Test]
    public async Task The_in_memory_store_is_named_in_a_warning_once_at_start_up()
    {
        var logs = new System.Collections.Concurrent.ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, string Message)>();
        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson())
                .AddWebhook("hook", webhook => webhook.Incoming("in"))
                .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing()))
                .AddRoute("r", route => route.From("in").To("sink")),
            services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(new ListLoggerProvider(logs)));
        var service = host.Services.GetServices<IHostedService>().OfType<BackgroundService>().Single(s => s.GetType().Name == "TaskProcessorService");

        await service.StartAsync(CancellationToken.None);
        await service.StopAsync(CancellationToken.None);

        logs.Should().ContainSingle(l => l.Message.Contains("InMemoryTaskStore", StringComparison.Ordinal))
            .Which.Level.Should().Be(Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20);
        }

        Assert.Fail("The condition did not hold within ten seconds.");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static TestHost Host(IOutgoing sink, Action<RouteBuilder> route) =>
        TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("sink", outgoing => outgoing.Use(sink))
            .AddRoute("r", r => route(r.From("in").To("sink"))));

    private static async Task ReceiveAsync(TestHost host, string body) =>
        (await host.Receiver.ReceiveAsync("hook", new TestRequest(body), CancellationToken.None)).Succeeded.Should().BeTrue();

    private sealed class ListLoggerProvider(System.Collections.Concurrent.ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> logs) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new Logger(logs);

        public void Dispose()
        {
        }

        private sealed class Logger(System.Collections.Concurrent.ConcurrentQueue<(Microsoft.Extensions.Logging.LogLevel Level, string Message)> logs) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                logs.Enqueue((logLevel, formatter(state, exception)));
        }
    }
}
