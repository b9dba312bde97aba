using System.Net;
using System.Text;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.AspNetCore.Tests.Endpoints;

/// <summary>Limits the server enforces while the body is read, on real Kestrel.</summary>
public class KestrelLimitsTests
{
    [Test]
    public async Task A_body_over_the_server_limit_is_413_problem_details_and_stores_nothing()
    {
        var url = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var builder = WebApplication.CreateSlimBuilder(["--urls", url]);
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4096);
        builder.Services.AddProblemDetails();
        WebhookApp.Warehouse(builder.Services.AddAlumioWebhooks().ConfigureProcessor(o => o.Enabled = false));
        await using var app = builder.Build();
        app.MapWebhooks();
        await app.StartAsync();
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var body = new StringBuilder("<shipments>");
        for (var i = 0; i < 200; i++)
        {
            body.Append("<shipment><orderId>").Append(i).Append("</orderId></shipment>");
        }

        body.Append("</shipments>");

        using var response = await client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", body.ToString()));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await app.Services.GetRequiredService<ITaskStore>().QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should().BeEmpty();
        await app.StopAsync();
    }
}
