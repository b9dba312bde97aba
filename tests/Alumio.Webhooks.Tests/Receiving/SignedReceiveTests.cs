using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Receiving;

/// <summary>Signature validators inside the receiver: the body hashed while it streams, verified before anything is committed.</summary>
public class SignedReceiveTests
{
    private const string GitHubSecret = "It's a Secret to Everybody";
    private const string StandardSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Test]
    public async Task A_large_streamed_body_signed_by_the_sender_is_accepted_whole()
    {
        await using var host = GitHubHost(xml: true);
        var body = XmlShipments(60_000);

        var result = await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, body, "application/xml"), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        result.Items.Should().Be(60_000);
        (await host.Store.QueryAsync(new TaskQuery { Limit = 1 }, CancellationToken.None)).Next.Should().NotBeNull();
    }

    [Test]
    public async Task A_large_streamed_body_changed_after_signing_is_401_and_stores_nothing()
    {
        await using var host = GitHubHost(xml: true);
        var signed = XmlShipments(60_000);
        var sent = signed.Replace("<id>59998</id>", "<id>59999</id>", StringComparison.Ordinal);

        var result = await host.Receiver.ReceiveAsync("hook", GitHubRequest(signed, sent, "application/xml"), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(401);
        result.Problem.Detail.Should().Be("Wrong authentication token provided.");
        (await host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Bytes_the_parser_never_needs_are_still_covered_by_the_signature()
    {
        await using var host = GitHubHost(xml: true);
        var body = XmlShipments(3) + "\n" + new string(' ', 100_000);
        var tampered = XmlShipments(3) + "\n" + new string(' ', 99_999) + "\t";

        (await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, tampered, "application/xml"), CancellationToken.None)).Problem!.StatusCode.Should().Be(401);
        (await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, body, "application/xml"), CancellationToken.None)).Succeeded.Should().BeTrue();
        (await host.AllTasksAsync()).Should().HaveCount(3);
    }

    [Test]
    public async Task A_malformed_body_with_a_wrong_signature_is_401_not_400()
    {
        await using var host = GitHubHost(xml: false);
        const string malformed = """{"orders":[{"id":1},""";

        var forged = await host.Receiver.ReceiveAsync("hook", GitHubRequest("something else", malformed, "application/json"), CancellationToken.None);
        var signed = await host.Receiver.ReceiveAsync("hook", GitHubRequest(malformed, malformed, "application/json"), CancellationToken.None);

        forged.Problem!.StatusCode.Should().Be(401, "a forged request learns nothing about how its body would be read");
        forged.Problem.Line.Should().BeNull();
        signed.Problem!.StatusCode.Should().Be(400);
        signed.Problem.Line.Should().Be(1);
    }

    [Test]
    public async Task Every_signature_validator_of_a_webhook_must_pass()
    {
        await using var host = TestHost.Create(webhooks => Configure(webhooks, xml: false, webhook => webhook
            .ValidateGitHub(GitHubSecret)
            .ValidateHmac(HashAlgorithmName.SHA512, "X-Second", "{signature}", SignatureEncoding.Base64, "second")));
        const string body = """{"orders":[{"id":1}]}""";
        var second = Convert.ToBase64String(HMACSHA512.HashData("second"u8, Encoding.UTF8.GetBytes(body)));

        var both = await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, body, "application/json").WithHeader("X-Second", second), CancellationToken.None);
        var wrongSecond = await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, body, "application/json").WithHeader("X-Second", second[1..] + "A"), CancellationToken.None);

        both.Succeeded.Should().BeTrue();
        wrongSecond.Problem!.StatusCode.Should().Be(401);
        (await host.AllTasksAsync()).Should().HaveCount(1);
    }

    [Test]
    public async Task A_signed_body_feeding_several_incomings_is_verified_once()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("a", incoming => incoming.ParseJson().PatternToItems("orders"))
            .AddIncoming("b", incoming => incoming.ParseJson().PatternToItems("orders"))
            .AddWebhook("hook", webhook => webhook.Incoming("a").Incoming("b").ValidateGitHub(GitHubSecret))
            .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
            .AddRoute("ra", r => r.From("a").To("sink"))
            .AddRoute("rb", r => r.From("b").To("sink")));
        const string body = """{"orders":[{"id":1},{"id":2}]}""";

        (await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, body, "application/json"), CancellationToken.None)).Tasks.Should().Be(4);
        (await host.Receiver.ReceiveAsync("hook", GitHubRequest(body, body + " ", "application/json"), CancellationToken.None)).Problem!.StatusCode.Should().Be(401);
    }

    [Test]
    public async Task A_replayed_standard_webhooks_message_is_acknowledged_with_the_first_request_and_stored_once()
    {
        await using var host = StandardHost();
        const string body = """{"orders":[{"id":1},{"id":2}]}""";
        var now = host.Time.GetUtcNow().ToUnixTimeSeconds();

        var first = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);
        var replay = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(30));
        var retry = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now + 30), CancellationToken.None);
        var other = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_2", now + 30), CancellationToken.None);

        first.Succeeded.Should().BeTrue();
        first.Duplicate.Should().BeFalse();
        replay.Duplicate.Should().BeTrue();
        replay.RequestId.Should().Be(first.RequestId);
        replay.Tasks.Should().Be(first.Tasks);
        retry.Duplicate.Should().BeTrue("the sender's retry of the same message id carries a new timestamp");
        other.Duplicate.Should().BeFalse();
        (await host.AllTasksAsync()).Should().HaveCount(4);
    }

    [Test]
    public async Task A_message_id_is_forgotten_once_its_message_would_be_stale()
    {
        await using var host = StandardHost();
        const string body = """{"orders":[{"id":1}]}""";
        var now = host.Time.GetUtcNow().ToUnixTimeSeconds();

        await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromMinutes(6));
        var stale = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);
        var resent = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now + 360), CancellationToken.None);

        stale.Problem!.StatusCode.Should().Be(401, "the captured request is now out of tolerance");
        resent.Duplicate.Should().BeFalse("a sender resending hours later is a new delivery once the window passed");
        (await host.AllTasksAsync()).Should().HaveCount(2);
    }

    [Test]
    public async Task A_forged_request_cannot_claim_a_message_id()
    {
        await using var host = StandardHost();
        const string body = """{"orders":[{"id":1}]}""";
        var now = host.Time.GetUtcNow().ToUnixTimeSeconds();
        var forged = StandardRequest(body, "msg_1", now).WithHeader("webhook-signature", "v1," + Convert.ToBase64String(new byte[32]));

        (await host.Receiver.ReceiveAsync("hook", forged, CancellationToken.None)).Problem!.StatusCode.Should().Be(401);
        var genuine = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);

        genuine.Duplicate.Should().BeFalse();
        (await host.AllTasksAsync()).Should().HaveCount(1);
    }

    [Test]
    public async Task A_message_whose_commit_failed_can_be_sent_again()
    {
        var time = TestHost.NewClock();
        var store = new FailOnceStore(time);
        await using var host = StandardHost(services => services.AddSingleton<ITaskStore>(store), time);
        const string body = """{"orders":[{"id":1}]}""";
        var now = host.Time.GetUtcNow().ToUnixTimeSeconds();

        var failed = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);
        var retried = await host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None);

        failed.Problem!.StatusCode.Should().Be(503);
        retried.Succeeded.Should().BeTrue();
        retried.Duplicate.Should().BeFalse();
        (await host.AllTasksAsync()).Should().HaveCount(1);
    }

    [Test]
    public async Task A_copy_arriving_while_the_first_is_being_stored_waits_for_it_and_is_a_duplicate()
    {
        var time = TestHost.NewClock();
        var store = new BlockingCommitStore(time);
        await using var host = StandardHost(services => services.AddSingleton<ITaskStore>(store), time);
        const string body = """{"orders":[{"id":1}]}""";
        var now = host.Time.GetUtcNow().ToUnixTimeSeconds();

        var first = host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None).AsTask();
        await store.CommitStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var during = host.Receiver.ReceiveAsync("hook", StandardRequest(body, "msg_1", now), CancellationToken.None).AsTask();
        await Task.Delay(100);
        during.IsCompleted.Should().BeFalse("the copy waits while the first may still commit");
        store.ReleaseCommit.SetResult();
        var accepted = await first;
        var copy = await during.WaitAsync(TimeSpan.FromSeconds(10));

        accepted.Succeeded.Should().BeTrue();
        copy.Duplicate.Should().BeTrue();
        copy.RequestId.Should().Be(accepted.RequestId);
        (await host.AllTasksAsync()).Should().HaveCount(1);
    }

    [Test]
    public async Task A_webhook_can_answer_every_validator_refusal_with_its_own_status()
    {
        await using var host = TestHost.Create(webhooks => Configure(webhooks, xml: false, webhook => webhook.ValidateGitHub(GitHubSecret).ValidationFailureStatus(404)));
        const string body = """{"orders":[{"id":1}]}""";

        var missing = await host.Receiver.ReceiveAsync("hook", new TestRequest(body), CancellationToken.None);
        var wrong = await host.Receiver.ReceiveAsync("hook", GitHubRequest("other", body, "application/json"), CancellationToken.None);

        missing.Problem!.StatusCode.Should().Be(404);
        missing.Problem.Title.Should().Be("Not found");
        wrong.Problem!.StatusCode.Should().Be(404);
        (await host.AllTasksAsync()).Should().BeEmpty();
    }

    private static TestHost GitHubHost(bool xml) =>
        TestHost.Create(webhooks => Configure(webhooks, xml, webhook => webhook.ValidateGitHub("an old secret", GitHubSecret)));

    private static TestHost StandardHost(Action<IServiceCollection>? services = null, Microsoft.Extensions.Time.Testing.FakeTimeProvider? time = null) =>
        TestHost.Create(webhooks => Configure(webhooks, xml: false, webhook => webhook.ValidateStandardWebhooks(null, StandardSecret)), services, time);

    private static void Configure(Alumio.Webhooks.Configuration.AlumioWebhooksBuilder webhooks, bool xml, Action<Alumio.Webhooks.Configuration.WebhookBuilder> validate) =>
        webhooks
            .AddIncoming("in", incoming => (xml ? incoming.ParseXml(XmlReadMethod.Incremental) : incoming.ParseJson()).PatternToItems(xml ? "shipments.shipment" : "orders"))
            .AddWebhook("hook", webhook => validate(webhook.Incoming("in")))
            .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
            .AddRoute("r", r => r.From("in").To("sink"));

    private static TestRequest GitHubRequest(string signedBody, string sentBody, string contentType) =>
        new TestRequest(sentBody, contentType).WithHeader("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(GitHubSecret), Encoding.UTF8.GetBytes(signedBody))));

    private static TestRequest StandardRequest(string body, string id, long timestamp)
    {
        var key = Convert.FromBase64String(StandardSecret["whsec_".Length..]);
        var seconds = timestamp.ToString(CultureInfo.InvariantCulture);
        var signature = Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{seconds}.{body}")));
        return new TestRequest(body).WithHeader("webhook-id", id).WithHeader("webhook-timestamp", seconds).WithHeader("webhook-signature", "v1," + signature);
    }

    private static string XmlShipments(int count) =>
        "<shipments>" + string.Concat(Enumerable.Range(0, count).Select(i => $"<shipment><id>{i}</id></shipment>")) + "</shipments>";

    /// <summary>The in-memory store, whose commits wait until the test lets them go.</summary>
    private sealed class BlockingCommitStore(TimeProvider time) : DelegatingTaskStore(new InMemoryTaskStore(time))
    {
        public TaskCompletionSource CommitStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource ReleaseCommit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) =>
            new Batch(this, await Inner.BeginBatchAsync(cancellationToken));

        private sealed class Batch(BlockingCommitStore store, ITaskBatch inner) : ITaskBatch
        {
            public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken) => inner.AddAsync(tasks, cancellationToken);

            public ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken) => inner.ClaimAsync(claim, cancellationToken);

            public async ValueTask CommitAsync(CancellationToken cancellationToken)
            {
                store.CommitStarted.TrySetResult();
                await store.ReleaseCommit.Task.WaitAsync(cancellationToken);
                await inner.CommitAsync(cancellationToken);
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }

    /// <summary>The in-memory store, whose first commit fails as a database outage would.</summary>
    private sealed class FailOnceStore(TimeProvider time) : DelegatingTaskStore(new InMemoryTaskStore(time))
    {
        private int _commits;

        public override async ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) =>
            new Batch(this, await Inner.BeginBatchAsync(cancellationToken));

        private sealed class Batch(FailOnceStore store, ITaskBatch inner) : ITaskBatch
        {
            public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken) => inner.AddAsync(tasks, cancellationToken);

            public ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken) => inner.ClaimAsync(claim, cancellationToken);

            public ValueTask CommitAsync(CancellationToken cancellationToken) =>
                Interlocked.Increment(ref store._commits) == 1
                    ? throw new IOException("The database is down.")
                    : inner.CommitAsync(cancellationToken);

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
