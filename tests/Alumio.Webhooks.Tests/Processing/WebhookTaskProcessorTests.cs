using System.Text.Json.Nodes;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Receiving;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Processing;

public class WebhookTaskProcessorTests
{
    [Test]
    public async Task Every_task_is_delivered_to_its_route_outgoing_and_finished()
    {
        var erp = new RecordingOutgoing();
        var shop = new RecordingOutgoing();
        await using var host = TestHost.Create(webhooks => WebhookReceiverTests.Warehouse(webhooks, erp, shop));
        await host.Receiver.ReceiveAsync("wms-shipments", Shipment("7"), CancellationToken.None);
        host.Time.Advance(TimeSpan.FromSeconds(2));

        var processed = await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        processed.Should().Be(2);
        erp.Sent.Should().ContainSingle().Which.Should().Contain("\"orderId\":\"7\"");
        shop.Sent.Should().ContainSingle();
        var tasks = await host.AllTasksAsync();
        tasks.Should().OnlyContain(t => t.Status == WebhookTaskStatus.Finished && t.Attempts == 1 && t.LastError == null);
        tasks.Should().OnlyContain(t => t.UpdatedAt == t.CreatedAt + TimeSpan.FromSeconds(2));
        (await host.Processor.ProcessAllDueAsync(CancellationToken.None)).Should().Be(0);
    }

    [Test]
    public async Task A_refused_delivery_fails_the_task_with_the_reason()
    {
        var erp = new RecordingOutgoing(_ => OutgoingResult.Failure("answered 500 Internal Server Error", 500));
        await using var host = TestHost.Create(webhooks => WebhookReceiverTests.Warehouse(webhooks, erp));
        await host.Receiver.ReceiveAsync("wms-shipments", Shipment("7"), CancellationToken.None);

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var tasks = await host.AllTasksAsync();
        var failed = tasks.Should().ContainSingle(t => t.Route == "complete-order-in-erp").Which;
        failed.Status.Should().Be(WebhookTaskStatus.Failed);
        failed.Attempts.Should().Be(1);
        failed.LastError.Should().Be("Outgoing 'erp': answered 500 Internal Server Error");
        tasks.Single(t => t.Route == "send-tracking-to-shop").Status.Should().Be(WebhookTaskStatus.Finished);
    }

    [Test]
    public async Task Transformers_run_in_order_before_the_outgoing()
    {
        var sink = new RecordingOutgoing();
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson())
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("sink", outgoing => outgoing.Use(sink))
            .AddRoute("r", route => route.From("in").To("sink")
                .Transform(entity => new JsonObject { ["order"] = entity["id"]!.DeepClone() })
                .Transform(entity =>
                {
                    entity["status"] = "shipped";
                    return entity;
                })));
        await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"id":5,"noise":true}"""), CancellationToken.None);

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().ContainSingle().Which.Should().Be("""{"order":5,"status":"shipped"}""");
        var task = (await host.AllTasksAsync())[0];
        task.Entity.GetProperty("noise").GetBoolean().Should().BeTrue("the stored entity is the item as received");
    }

    [Test]
    public async Task A_transformer_can_skip_a_task_with_a_reason()
    {
        var sink = new RecordingOutgoing();
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("sink", outgoing => outgoing.Use(sink))
            .AddRoute("r", route => route.From("in").To("sink")
                .Transform(entity => entity["type"]!.GetValue<string>() == "shipment" ? entity : EntityTransformResult.Skip("Not a shipment."))));
        await host.Receiver.ReceiveAsync("hook", new TestRequest("""[{"type":"shipment"},{"type":"return"}]"""), CancellationToken.None);

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().ContainSingle();
        var skipped = (await host.AllTasksAsync()).Should().ContainSingle(t => t.Status == WebhookTaskStatus.Skipped).Which;
        skipped.LastError.Should().Be("Not a shipment.");
        skipped.Attempts.Should().Be(1, "a skip is one processing of the task");
    }

    [Test]
    public async Task A_throwing_transformer_fails_the_task_and_the_others_go_on()
    {
        var sink = new RecordingOutgoing();
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("sink", outgoing => outgoing.Use(sink))
            .AddRoute("r", route => route.From("in").To("sink")
                .Transform(entity => entity["n"]!.GetValue<int>() == 2 ? throw new InvalidOperationException("cannot map 2") : entity)));
        await host.Receiver.ReceiveAsync("hook", new TestRequest("""[{"n":1},{"n":2},{"n":3}]"""), CancellationToken.None);

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().HaveCount(2);
        var failed = (await host.AllTasksAsync()).Should().ContainSingle(t => t.Status == WebhookTaskStatus.Failed).Which;
        failed.LastError.Should().Be("Route 'r', transformer 0 (code): InvalidOperationException: cannot map 2");
    }

    [Test]
    public async Task Batches_are_limited_by_the_batch_size()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .ConfigureProcessor(options => options.BatchSize = 2)
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing()))
            .AddRoute("r", route => route.From("in").To("sink")));
        await host.Receiver.ReceiveAsync("hook", new TestRequest("[1,2,3,4,5]"), CancellationToken.None);

        (await host.Processor.ProcessBatchAsync(CancellationToken.None)).Should().Be(2);
        (await host.Processor.ProcessAllDueAsync(CancellationToken.None)).Should().Be(3);
    }

    private static TestRequest Shipment(string orderId) =>
        new TestRequest($"<shipments><shipment><orderId>{orderId}</orderId></shipment></shipments>", "application/xml").WithHeader("X-Alumio-Auth", "VerySecret");
}
