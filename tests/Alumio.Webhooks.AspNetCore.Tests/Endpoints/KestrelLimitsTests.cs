using System.Net;
using System.Text;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.AspNetCore.Tests.Endpoints;

/// <summary>The webhook's body size limit, on real Kestrel, for bodies with and without a Content-Length.</summary>
public class KestrelLimitsTests
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var builder = WebApplication.CreateSlimBuilder(["--urls", url]);
        builder.Logging.ClearProviders().AddConsole();
        builder.Services.AddProblemDetails();
        builder.Services.AddAlumioWebhooks(webhooks => webhooks
            .ConfigureProcessor(o => o.Enabled = false)
            .AddIncoming("xml", incoming => incoming.ParseXml().PatternToItems("shipments.shipment"))
            .AddWebhook("small", webhook => webhook.Incoming("xml").MaxBodySize(4096))
            .AddWebhook("large", webhook => webhook.Incoming("xml").MaxBodySize(64L * 1024 * 1024))
            .AddOutgoing("sink", o => o.Deliver((_, _, _) => ValueTask.FromResult(Alumio.Webhooks.Outgoing.OutgoingResult.Success())))
            .AddRoute("r", r => r.From("xml").To("sink")));
        _app = builder.Build();
        _app.MapWebhooks();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(url) };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task A_body_over_the_webhook_limit_is_413_problem_details_and_stores_nothing()
    {
        using var response = await _client.PostAsync("/api/v1/webhook/small", new StringContent(Shipments(200), Encoding.UTF8, "application/xml"));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync()).Should().Contain("4096 bytes");
        (await Tasks()).Should().BeEmpty();
    }

    [Test]
    public async Task A_chunked_body_over_the_limit_is_413_too()
    {
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(Shipments(200))));
        content.Headers.ContentType = new("application/xml");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/small") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await Tasks()).Should().BeEmpty();
    }

    [Test]
    public async Task A_webhook_limit_above_the_server_default_lets_large_bodies_in()
    {
        var body = Shipments(400_000);
        Encoding.UTF8.GetByteCount(body).Should().BeGreaterThan(30_000_000, "the body must exceed Kestrel's default limit");

        using var response = await _client.PostAsync("/api/v1/webhook/large", new StringContent(body, Encoding.UTF8, "application/xml"));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.Content.ReadAsStringAsync()).Should().Contain("\"items\":400000");
    }

    private static string Shipments(int count)
    {
        var body = new StringBuilder("<shipments>");
        for (var i = 0; i < count; i++)
        {
            body.Append("<shipment><orderId>").Append(i).Append("</orderId><note>").Append('x', 60).Append("</note></shipment>");
        }

        return body.Append("</shipments>").ToString();
    }

    private async Task<IReadOnlyList<WebhookTask>> Tasks() =>
        (await _app.Services.GetRequiredService<ITaskStore>().QueryAsync(new TaskQuery(), CancellationToken.None)).Items;
}
