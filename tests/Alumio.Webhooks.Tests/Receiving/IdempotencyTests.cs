using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Receiving;

/// <summary>A webhook's idempotency key: a repeat within the window is answered with the first request and stores nothing.</summary>
public class IdempotencyTests
{
    [Test]
    public async Task A_repeated_header_key_is_answered_with_the_first_request_without_reading_the_body()
    {
        await using var host = Host("header:X-GitHub-Delivery");
        var first = await host.Receiver.ReceiveAsync("hook", Request("""[{"id":1},{"id":2}]""", "d-1"), CancellationToken.None);

        var repeat = await host.Receiver.ReceiveAsync("hook", Request("this body is never read", "d-1"), CancellationToken.None);
        var other = await host.Receiver.ReceiveAsync("hook", Request("""[{"id":3}]""", "d-2"), CancellationToken.None);

        first.Duplicate.Should().BeFalse();
        repeat.Succeeded.Should().BeTrue();
        repeat.Duplicate.Should().BeTrue();
        repeat.RequestId.Should().Be(first.RequestId);
        repeat.Items.Should().Be(2);
        repeat.Tasks.Should().Be(2);
        other.Duplicate.Should().BeFalse();
        (await host.AllTasksAsync()).Should().HaveCount(3);
    }

    [Test]
    public async Task A_request_without_the_key_is_stored_every_time()
    {
        await using var host = Host("header:Idempotency-Key");

        await host.Receiver.ReceiveAsync("hook", new TestRequest("""[{"id":1}]"""), CancellationToken.None);
        await host.Receiver.ReceiveAsync("hook", new TestRequest("""[{"id":1}]"""), CancellationToken.None);

        (await host.AllTasksAsync()).Should().HaveCount(2);
    }

    [Test]
    public async Task A_key_is_forgotten_after_its_window()
    {
        await using var host = Host("header:Idempotency-Key", TimeSpan.FromHours(1));

        await host.Receiver.ReceiveAsync("hook", Request("""[{"id":1}]""", "k", "Idempotency-Key"), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromMinutes(59));
        var within = await host.Receiver.ReceiveAsync("hook", Request("""[{"id":1}]""", "k", "Idempotency-Key"), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromMinutes(1));
        var after = await host.Receiver.ReceiveAsync("hook", Request("""[{"id":1}]""", "k", "Idempotency-Key"), CancellationToken.None);

        within.Duplicate.Should().BeTrue();
        after.Duplicate.Should().BeFalse();
        (await host.AllTasksAsync()).Should().HaveCount(2);
    }

    [Test]
    public async Task A_key_found_by_a_pattern_in_the_body_deduplicates_whatever_else_differs()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("order.lines"))
            .AddWebhook("hook", webhook => webhook.Incoming("in").IdempotencyKey("pattern:order.id"))
            .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
            .AddRoute("r", r => r.From("in").To("sink")));

        var first = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"order":{"id":"SO-1","lines":[{"sku":"a"},{"sku":"b"}]}}"""), CancellationToken.None);
        var resent = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"sentAt":"later","order":{"lines":[{"sku":"a"},{"sku":"b"}],"id":"SO-1"}}"""), CancellationToken.None);
        var numeric = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"order":{"id":7,"lines":[{"sku":"c"}]}}"""), CancellationToken.None);
        var noKey = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"order":{"lines":[{"sku":"d"}]}}"""), CancellationToken.None);

        resent.Duplicate.Should().BeTrue();
        resent.RequestId.Should().Be(first.RequestId);
        numeric.Duplicate.Should().BeFalse();
        noKey.Duplicate.Should().BeFalse();
        (await host.Store.FindRequestAsync("hook", "7", CancellationToken.None))!.RequestId.Should().Be(numeric.RequestId);
        (await host.AllTasksAsync()).Should().HaveCount(4);
    }

    [Test]
    public async Task A_malformed_body_with_a_pattern_key_is_400_and_claims_nothing()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson())
            .AddWebhook("hook", webhook => webhook.Incoming("in").IdempotencyKey("pattern:id"))
            .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
            .AddRoute("r", r => r.From("in").To("sink")));

        var malformed = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"id":"x","""), CancellationToken.None);
        var good = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"id":"x"}"""), CancellationToken.None);

        malformed.Problem!.StatusCode.Should().Be(400);
        good.Duplicate.Should().BeFalse();
    }

    [Test]
    public async Task Concurrent_requests_with_one_key_store_it_once()
    {
        await using var host = Host("header:Idempotency-Key");

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            await host.Receiver.ReceiveAsync("hook", Request("""[{"id":1}]""", "same", "Idempotency-Key"), CancellationToken.None))));

        results.Should().OnlyContain(r => r.Succeeded);
        results.Count(r => !r.Duplicate).Should().Be(1);
        results.Select(r => r.RequestId).Distinct().Should().ContainSingle();
        (await host.AllTasksAsync()).Should().ContainSingle();
    }

    [Test]
    public async Task A_very_long_key_is_stored_as_its_hash()
    {
        await using var host = Host("header:Idempotency-Key");
        var key = new string('k', 5000);

        var first = await host.Receiver.ReceiveAsync("hook", Request("""[1]""", key, "Idempotency-Key"), CancellationToken.None);
        var repeat = await host.Receiver.ReceiveAsync("hook", Request("""[1]""", key, "Idempotency-Key"), CancellationToken.None);

        repeat.RequestId.Should().Be(first.RequestId);
        (await host.Store.FindRequestAsync("hook", key, CancellationToken.None)).Should().BeNull();
    }

    [Test]
    public async Task The_key_is_claimed_only_when_the_tasks_are_committed()
    {
        var time = TestHost.NewClock();
        var store = new FailingCommitStore(time);
        await using var host = TestHost.Create(
            webhooks => Configure(webhooks, "header:Idempotency-Key", null),
            services => services.AddSingleton<ITaskStore>(store),
            time);

        var failed = await host.Receiver.ReceiveAsync("hook", Request("""[1]""", "k", "Idempotency-Key"), CancellationToken.None);
        store.Fail = false;
        var retried = await host.Receiver.ReceiveAsync("hook", Request("""[1]""", "k", "Idempotency-Key"), CancellationToken.None);

        failed.Problem!.StatusCode.Should().Be(503);
        retried.Duplicate.Should().BeFalse();
        (await host.AllTasksAsync()).Should().ContainSingle();
    }

    [TestCase("header:", "is neither header:<name> nor pattern:<path>")]
    [TestCase("body:id", "is neither header:<name> nor pattern:<path>")]
    [TestCase("pattern:a..b", "empty key")]
    public void A_bad_key_source_is_refused(string source, string message) =>
        FluentActions.Invoking(() => IdempotencyKey.Parse(source)).Should().Throw<FormatException>().WithMessage($"*{message}*");

    private static TestHost Host(string source, TimeSpan? window = null) =>
        TestHost.Create(webhooks => Configure(webhooks, source, window));

    private static void Configure(AlumioWebhooksBuilder webhooks, string source, TimeSpan? window) =>
        webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in").IdempotencyKey(source, window))
            .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
            .AddRoute("r", r => r.From("in").To("sink"));

    private static TestRequest Request(string body, string key, string header = "X-GitHub-Delivery") =>
        new TestRequest(body).WithHeader(header, key);

    private sealed class FailingCommitStore(TimeProvider time) : DelegatingTaskStore(new InMemoryTaskStore(time))
    {
        public bool Fail { get; set; } = true;

        public override async ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) =>
            new Batch(this, await Inner.BeginBatchAsync(cancellationToken));

        private sealed class Batch(FailingCommitStore store, ITaskBatch inner) : ITaskBatch
        {
            public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken) => inner.AddAsync(tasks, cancellationToken);

            public ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken) => inner.ClaimAsync(claim, cancellationToken);

            public ValueTask CommitAsync(CancellationToken cancellationToken) =>
                store.Fail ? throw new IOException("The disk is full.") : inner.CommitAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
