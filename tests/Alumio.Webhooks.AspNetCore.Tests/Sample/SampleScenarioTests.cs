using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.AspNetCore.Tests.Sample;

/// <summary>
/// The seed scenario, end to end: the sample host on real Kestrel over a loopback port, called with a
/// real HTTP client; the outgoing HTTP calls travel over loopback to the fake ERP and shop.
/// </summary>
public class SampleScenarioTests
{
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _baseUrl = null!;
    private string _database = null!;

    [OneTimeSetUp]
    public async Task StartSample()
    {
        _baseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        _database = Path.Combine(Path.GetTempPath(), $"alumio-sample-{Guid.NewGuid():N}.db");
        _app = SampleApp.Create(
            [
                "--urls", _baseUrl,
                $"--ConnectionStrings:AlumioTasks=Data Source={_database}",
                $"--Alumio:Outgoing:erp:Url={_baseUrl}/fake-erp/orders/&{{orderId}}/complete",
                $"--Alumio:Outgoing:shop:Url={_baseUrl}/fake-shop/tracking",
            ],
            builder => builder.Logging.ClearProviders());
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_baseUrl) };
    }

    [OneTimeTearDown]
    public async Task StopSample()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".lock" })
        {
            File.Delete(_database + suffix);
        }
    }

    [Test]
    public async Task Without_the_header_the_warehouse_gets_401_with_the_alumio_message()
    {
        using var response = await _client.PostAsync("/api/v1/webhook/wms-shipments", ShipmentsXml());

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("detail").GetString().Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task The_host_s_own_validator_refuses_a_body_that_is_not_xml()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/wms-shipments")
        {
            Content = new StringContent("""{"shipments":[]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Alumio-Auth", "VerySecret");

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
        (await response.Content.ReadAsStringAsync()).Should().Contain("Content-Type: application/xml");
    }

    [Test]
    public async Task With_the_header_the_order_is_completed_in_the_erp_and_the_tracking_code_reaches_the_shop()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/wms-shipments") { Content = ShipmentsXml() };
        request.Headers.Add("X-Alumio-Auth", "VerySecret");

        using var response = await _client.SendAsync(request);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        using var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        accepted.RootElement.GetProperty("items").GetInt32().Should().Be(2);
        accepted.RootElement.GetProperty("tasks").GetInt32().Should().Be(4);
        var requestId = accepted.RootElement.GetProperty("requestId").GetString();

        JsonElement tasks = default;
        await Eventually.Async(async () =>
        {
            tasks = JsonDocument.Parse(await _client.GetStringAsync($"/api/v1/tasks?requestId={requestId}")).RootElement.GetProperty("items").Clone();
            return tasks.GetArrayLength() == 4 && tasks.EnumerateArray().All(t => t.GetProperty("status").GetString() == "Finished");
        });

        var received = _app.Services.GetRequiredService<FakeSystems>().Received;
        received.Where(m => m.System == "erp").Select(m => m.Path).Should().BeEquivalentTo("/fake-erp/orders/7/complete", "/fake-erp/orders/8/complete");
        var shop = received.Where(m => m.System == "shop").Select(m => JsonDocument.Parse(m.Body).RootElement).ToList();
        shop.Select(update => update.GetProperty("tracking_code").GetString()).Should().BeEquivalentTo("3SABCD1234567", "JVGL0123456789");
        shop.Single(update => update.GetProperty("order").GetString() == "7").GetProperty("carrier").GetString().Should().Be("PostNL");
    }

    private static StreamContent ShipmentsXml()
    {
        var content = new StreamContent(File.OpenRead(Path.Combine(AppContext.BaseDirectory, "shipments.xml")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/xml");
        return content;
    }
}
