using System.Text.Json;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Receiving;

public class WebhookReceiverTests
{
    private const string Shipments = """
        <shipments>
          <shipment id="S-1"><orderId>7</orderId><trackingCode>T7</trackingCode></shipment>
          <shipment id="S-2"><orderId>8</orderId><trackingCode>T8</trackingCode></shipment>
          <shipment id="S-3"><orderId>9</orderId><trackingCode>T9</trackingCode></shipment>
        </shipments>
        """;

    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = TestHost.Create(webhooks => Warehouse(webhooks));

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    [Test]
    public async Task Each_item_fans_out_to_every_route_of_its_incoming()
    {
        var result = await _host.Receiver.ReceiveAsync("wms-shipments", Authorized(Shipments), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        result.Items.Should().Be(3);
        result.Tasks.Should().Be(6);
        var tasks = await _host.AllTasksAsync();
        tasks.Should().HaveCount(6).And.OnlyContain(t => t.RequestId == result.RequestId && t.Webhook == "wms-shipments" && t.Status == WebhookTaskStatus.New && t.Attempts == 0);
        tasks.GroupBy(t => t.Route).Select(g => (g.Key, g.Count())).Should().BeEquivalentTo([("complete-order-in-erp", 3), ("send-tracking-to-shop", 3)]);
        tasks.Where(t => t.Route == "complete-order-in-erp").Select(t => t.Entity.GetProperty("orderId").GetString()).Should().Equal("7", "8", "9");
        tasks.Should().OnlyContain(t => t.CreatedAt == _host.Time.GetUtcNow());
    }

    [Test]
    public async Task Identifiers_are_matched_case_insensitively_and_reported_as_configured()
    {
        var result = await _host.Receiver.ReceiveAsync("WMS-Shipments", Authorized(Shipments), CancellationToken.None);

        result.Webhook.Should().Be("wms-shipments");
        (await _host.AllTasksAsync()).Should().OnlyContain(t => t.Webhook == "wms-shipments");
    }

    [Test]
    public async Task An_unknown_webhook_is_404_and_stores_nothing()
    {
        var result = await _host.Receiver.ReceiveAsync("nope", Authorized(Shipments), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(404);
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_method_other_than_post_is_405_and_stores_nothing()
    {
        var result = await _host.Receiver.ReceiveAsync("wms-shipments", Authorized(Shipments, method: "PUT"), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(405);
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_wrong_token_is_401_and_stores_nothing()
    {
        var result = await _host.Receiver.ReceiveAsync("wms-shipments", new TestRequest(Shipments, "application/xml").WithHeader("X-Alumio-Auth", "nope"), CancellationToken.None);

        result.Problem.Should().BeEquivalentTo(new { StatusCode = 401, Detail = "Wrong authentication token provided." });
        result.Problem!.Detail.Should().NotContain("VerySecret");
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_malformed_body_is_400_with_line_and_position_and_stores_nothing()
    {
        var broken = Shipments.Replace("</shipment>\n  <shipment id=\"S-3\">", "</shipment>\n  <shipment id=\"S-3\"><", StringComparison.Ordinal);

        var result = await _host.Receiver.ReceiveAsync("wms-shipments", Authorized(broken), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(400);
        result.Problem.Line.Should().Be(4);
        result.Problem.Position.Should().BeGreaterThan(0);
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_body_without_matching_items_is_accepted_with_zero_tasks()
    {
        var result = await _host.Receiver.ReceiveAsync("wms-shipments", Authorized("<shipments/>"), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        result.Items.Should().Be(0);
        result.Tasks.Should().Be(0);
    }

    [Test]
    public async Task A_failing_store_refuses_the_request_with_503_so_the_sender_retries()
    {
        await using var host = TestHost.Create(webhooks => Warehouse(webhooks), services => services.AddSingleton<ITaskStore>(new FailingStore()));

        var result = await host.Receiver.ReceiveAsync("wms-shipments", Authorized(Shipments), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.Problem!.StatusCode.Should().Be(503);
        result.Problem.Detail.Should().NotContain("disk full");
    }

    [Test]
    public async Task One_webhook_may_feed_several_incomings()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("orders", incoming => incoming.ParseJson().PatternToItems("orders"))
            .AddIncoming("customer", incoming => incoming.ParseJson().PatternToItems("customer"))
            .AddWebhook("shop", webhook => webhook.Incoming("orders").Incoming("customer"))
            .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing()))
            .AddRoute("orders-to-sink", route => route.From("orders").To("sink"))
            .AddRoute("customer-to-sink", route => route.From("customer").To("sink")));

        var result = await host.Receiver.ReceiveAsync("shop", new TestRequest("""{"orders":[{"id":1},{"id":2}],"customer":{"id":"c"}}"""), CancellationToken.None);

        result.Items.Should().Be(3);
        var tasks = await host.AllTasksAsync();
        tasks.Where(t => t.Route == "customer-to-sink").Should().ContainSingle().Which.Entity.GetProperty("id").GetString().Should().Be("c");
        tasks.Count(t => t.Route == "orders-to-sink").Should().Be(2);
    }

    [Test]
    public async Task A_stored_entity_is_the_item_as_split()
    {
        await _host.Receiver.ReceiveAsync("wms-shipments", Authorized(Shipments), CancellationToken.None);

        var task = (await _host.AllTasksAsync())[0];

        JsonSerializer.Serialize(task.Entity).Should().Be("""{"@id":"S-1","orderId":"7","trackingCode":"T7"}""");
    }

    internal static AlumioWebhooksBuilder Warehouse(AlumioWebhooksBuilder webhooks, RecordingOutgoing? erp = null, RecordingOutgoing? shop = null) => webhooks
        .AddIncoming("wms-shipments", incoming => incoming.ParseXml().PatternToItems("shipments.shipment"))
        .AddWebhook("wms-shipments", webhook => webhook.Incoming("wms-shipments").ValidateHeader("X-Alumio-Auth", "VerySecret"))
        .AddOutgoing("erp", outgoing => outgoing.Use(erp ?? new RecordingOutgoing()))
        .AddOutgoing("shop", outgoing => outgoing.Use(shop ?? new RecordingOutgoing()))
        .AddRoute("complete-order-in-erp", route => route.From("wms-shipments").To("erp"))
        .AddRoute("send-tracking-to-shop", route => route.From("wms-shipments").To("shop"));

    private static TestRequest Authorized(string body, string method = "POST") =>
        new TestRequest(body, "application/xml", method).WithHeader("X-Alumio-Auth", "VerySecret");

    private sealed class FailingStore() : DelegatingTaskStore(new InMemoryTaskStore(TimeProvider.System))
    {
        public override ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) => throw new IOException("disk full");
    }
}
