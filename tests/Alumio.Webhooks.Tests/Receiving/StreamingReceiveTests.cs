using System.Text;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Receiving;

/// <summary>Streamed requests are written in batches and still succeed or fail as a whole.</summary>
public class StreamingReceiveTests
{
    private const int Items = 5_000;

    [Test]
    public async Task A_large_streamed_request_is_written_in_batches_and_committed_once()
    {
        var store = new CountingStore(TimeProvider.System);
        await using var host = Create(store, xml: false);

        var result = await host.Receiver.ReceiveAsync("hook", new TestRequest(JsonOrders(Items)), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        result.Items.Should().Be(Items);
        result.Tasks.Should().Be(Items * 2);
        store.BatchWrites.Should().BeGreaterThan(10, "tasks go to the store while the body streams");
        store.Commits.Should().Be(1);
        (await store.QueryAsync(new TaskQuery { Limit = 500 }, CancellationToken.None)).Items.Should().HaveCount(500);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task A_parse_error_at_the_end_of_a_streamed_body_leaves_no_task_behind(bool xml)
    {
        var store = new CountingStore(TimeProvider.System);
        await using var host = Create(store, xml);
        // Incremental XML parses bodies under 1 MiB in memory, so this one is larger, to stream.
        const int xmlItems = 60_000;
        var body = xml
            ? XmlShipments(xmlItems).Replace($"<id>{xmlItems - 1}</id>", $"<id>{xmlItems - 1}</i>", StringComparison.Ordinal)
            : JsonOrders(Items)[..^3];

        var result = await host.Receiver.ReceiveAsync("hook", new TestRequest(body, xml ? "application/xml" : "application/json"), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(400);
        store.BatchWrites.Should().BeGreaterThan(10, "most items were written before the error was found");
        store.Commits.Should().Be(0);
        (await store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().BeEmpty();
        (await store.LeaseAsync(new TaskLeaseRequest(10, TimeSpan.FromMinutes(1)), CancellationToken.None)).Should().BeEmpty();
    }

    [Test]
    public async Task A_body_over_the_limit_fails_while_streaming_and_leaves_nothing()
    {
        var store = new CountingStore(TimeProvider.System);
        await using var host = Create(store, xml: false, maxBodySize: 20_000);
        var request = new TestRequest(Encoding.UTF8.GetBytes(JsonOrders(Items)), "application/json", contentLength: null);

        var result = await host.Receiver.ReceiveAsync("hook", request, CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(413);
        store.Commits.Should().Be(0);
        (await store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().BeEmpty();
    }

    [Test]
    public async Task A_declared_length_over_the_limit_is_refused_before_reading()
    {
        await using var host = Create(new CountingStore(TimeProvider.System), xml: false, maxBodySize: 10);
        var request = new TestRequest(JsonOrders(1));

        var result = await host.Receiver.ReceiveAsync("hook", request, CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(413);
        request.Body.Position.Should().Be(0);
    }

    [Test]
    public async Task Requiring_items_refuses_an_empty_match_with_422()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("orders"))
            .AddWebhook("hook", webhook => webhook.Incoming("in").RequireItems())
            .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
            .AddRoute("r", r => r.From("in").To("sink")));

        var result = await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"orders":[]}"""), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(422);
    }

    private static TestHost Create(CountingStore store, bool xml, long maxBodySize = Alumio.Webhooks.Configuration.Webhook.DefaultMaxBodySize) =>
        TestHost.Create(
            webhooks => webhooks
                .AddIncoming("in", incoming => (xml ? incoming.ParseXml(XmlReadMethod.Incremental) : incoming.ParseJson()).PatternToItems(xml ? "shipments.shipment" : "orders"))
                .AddWebhook("hook", webhook => webhook.Incoming("in").MaxBodySize(maxBodySize))
                .AddOutgoing("sink", o => o.Use(new RecordingOutgoing()))
                .AddRoute("a", r => r.From("in").To("sink"))
                .AddRoute("b", r => r.From("in").To("sink")),
            services => services.AddSingleton<ITaskStore>(store));

    private static string JsonOrders(int count) =>
        "{\"orders\":[" + string.Join(",", Enumerable.Range(0, count).Select(i => $"{{\"id\":{i}}}")) + "]}";

    private static string XmlShipments(int count) =>
        "<shipments>" + string.Concat(Enumerable.Range(0, count).Select(i => $"<shipment><id>{i}</id></shipment>")) + "</shipments>";

    /// <summary>The in-memory store, counting the writes and commits of batches.</summary>
    private sealed class CountingStore(TimeProvider time) : DelegatingTaskStore(new InMemoryTaskStore(time))
    {
        public int BatchWrites { get; private set; }

        public int Commits { get; private set; }

        public override async ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) =>
            new CountingBatch(this, await Inner.BeginBatchAsync(cancellationToken));

        private sealed class CountingBatch(CountingStore store, ITaskBatch inner) : ITaskBatch
        {
            public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
            {
                store.BatchWrites++;
                return inner.AddAsync(tasks, cancellationToken);
            }

            public ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken) => inner.ClaimAsync(claim, cancellationToken);

            public ValueTask CommitAsync(CancellationToken cancellationToken)
            {
                store.Commits++;
                return inner.CommitAsync(cancellationToken);
            }

            public ValueTask DisposeAsync() => inner.DisposeAsync();
        }
    }
}
