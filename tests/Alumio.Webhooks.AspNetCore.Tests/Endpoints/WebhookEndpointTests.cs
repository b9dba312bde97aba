using System.Net;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.AspNetCore.Tests.Endpoints;

public class WebhookEndpointTests
{
    private WebhookApp _app = null!;

    [SetUp]
    public async Task SetUp() => _app = await WebhookApp.StartAsync(webhooks => WebhookApp.Warehouse(webhooks));

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task An_accepted_request_is_answered_with_counts_after_its_tasks_are_stored()
    {
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.MediaType()!.MediaType.Should().Be("application/json");
        var body = await response.JsonAsync();
        body.GetProperty("webhook").GetString().Should().Be("wms-shipments");
        body.GetProperty("items").GetInt32().Should().Be(2);
        body.GetProperty("tasks").GetInt32().Should().Be(4);
        var requestId = body.GetProperty("requestId").GetString();
        var tasks = await _app.AllTasksAsync();
        tasks.Should().HaveCount(4).And.OnlyContain(t => t.RequestId == requestId && t.Status == WebhookTaskStatus.New);
    }

    [Test]
    public async Task Header_validator_rejects_a_missing_token_with_401_problem_details()
    {
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments, token: null));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
        var problem = await response.JsonAsync();
        problem.GetProperty("status").GetInt32().Should().Be(401);
        problem.GetProperty("title").GetString().Should().Be("Unauthorized");
        problem.GetProperty("detail").GetString().Should().Be("Wrong authentication token provided.");
        problem.GetProperty("webhook").GetString().Should().Be("wms-shipments");
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Header_validator_rejects_a_wrong_token_with_401_without_echoing_it()
    {
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments, token: "VerySecreT"));

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var text = await response.Content.ReadAsStringAsync();
        text.Should().Contain("Wrong authentication token provided.").And.NotContain("VerySecre");
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task An_unknown_webhook_is_404_problem_details()
    {
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/nope", Requests.Shipments));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
        (await response.JsonAsync()).GetProperty("detail").GetString().Should().Be("No webhook is configured with the identifier 'nope'.");
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [TestCase("GET")]
    [TestCase("PUT")]
    [TestCase("DELETE")]
    public async Task A_method_other_than_post_is_405_with_an_allow_header(string method)
    {
        using var request = Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments, method: new HttpMethod(method));
        if (method == "GET")
        {
            request.Content = null;
        }

        using var response = await _app.Client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
        response.Content.Headers.Allow.Should().Equal("POST");
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_malformed_body_is_400_naming_line_and_position_and_stores_nothing()
    {
        const string broken = "<shipments>\n  <shipment><orderId>7</orderId></shipment>\n  <shipment><orderId>8</orderI></shipment>\n</shipments>";

        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", broken));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.JsonAsync();
        problem.GetProperty("title").GetString().Should().Be("Malformed body");
        problem.GetProperty("detail").GetString().Should().StartWith("The body is not valid XML");
        problem.GetProperty("line").GetInt64().Should().Be(3);
        problem.GetProperty("position").GetInt64().Should().BeGreaterThan(0);
        (await _app.AllTasksAsync()).Should().BeEmpty("the first shipment was valid, but the request fails as a whole");
    }

    [Test]
    public async Task An_empty_body_is_400()
    {
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", string.Empty));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_body_with_no_items_is_200_with_zero_tasks()
    {
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", "<shipments><note>nothing shipped</note></shipments>"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (await response.JsonAsync()).GetProperty("tasks").GetInt32().Should().Be(0);
    }

    [Test]
    public async Task Random_bytes_never_cause_a_server_error()
    {
        var random = new Random(20261130);
        for (var i = 0; i < 200; i++)
        {
            var bytes = new byte[random.Next(0, 512)];
            random.NextBytes(bytes);
            if (i % 3 == 0 && bytes.Length > 0)
            {
                bytes[0] = (byte)'<';
            }

            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/wms-shipments") { Content = new ByteArrayContent(bytes) };
            request.Headers.Add("X-Alumio-Auth", "VerySecret");

            using var response = await _app.Client.SendAsync(request);

            ((int)response.StatusCode).Should().BeLessThan(500, "request {0} with {1} random bytes", i, bytes.Length);
        }
    }

    [Test]
    public async Task The_background_processor_delivers_accepted_tasks()
    {
        var delivered = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var app = await WebhookApp.StartAsync(webhooks => WebhookApp.Warehouse(webhooks, delivered).ConfigureProcessor(o => o.Enabled = true));

        using var response = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments));
        response.StatusCode.Should().Be(HttpStatusCode.OK);

        await Eventually.Async(async () => (await app.AllTasksAsync()).All(t => t.Status == WebhookTaskStatus.Finished));
        delivered.Should().HaveCount(4);
        delivered.Where(d => d.StartsWith("erp:", StringComparison.Ordinal)).Should().HaveCount(2);
    }

    [Test]
    public async Task A_failing_store_answers_503_so_the_sender_retries()
    {
        await using var app = await WebhookApp.StartAsync(
            webhooks => WebhookApp.Warehouse(webhooks),
            build: builder => builder.Services.AddSingleton<ITaskStore, BrokenStore>());

        using var response = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments));

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
    }

    [Test]
    public async Task MapWebhook_maps_one_webhook_and_its_conventions_compose()
    {
        await using var app = await WebhookApp.StartAsync(
            webhooks => WebhookApp.Warehouse(webhooks),
            map: web => web.MapWebhook("WMS-SHIPMENTS").WithName("wms").WithMetadata(new SampleMetadata()));

        using var mapped = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments));
        using var unmapped = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/other", Requests.Shipments));

        mapped.StatusCode.Should().Be(HttpStatusCode.OK);
        unmapped.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var endpoint = app.App.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .Single(e => e.Metadata.GetMetadata<SampleMetadata>() is not null);
        endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IEndpointNameMetadata>()!.EndpointName.Should().Be("wms");
    }

    [Test]
    public async Task The_base_path_is_an_option()
    {
        await using var app = await WebhookApp.StartAsync(webhooks => WebhookApp.Warehouse(webhooks).Configure(o => o.BasePath = "/hooks/"));

        using var moved = await app.Client.SendAsync(Requests.Webhook("/hooks/webhook/wms-shipments", Requests.Shipments));
        using var old = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments));
        using var tasks = await app.Client.GetAsync("/hooks/tasks");

        moved.StatusCode.Should().Be(HttpStatusCode.OK);
        old.StatusCode.Should().Be(HttpStatusCode.NotFound);
        tasks.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    private sealed class SampleMetadata;

    private sealed class BrokenStore() : DelegatingTaskStore(new InMemoryTaskStore(TimeProvider.System))
    {
        public override ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) => throw new IOException("disk full");
    }
}
