using System.Net.Http.Json;
using Alumio.Webhooks.Durability.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Durability.Tests;

/// <summary>A receiver that fails 30% of calls: with retries on the routes, every task still ends Finished.</summary>
public class FlakyReceiverTests
{
    [Test]
    public async Task Every_task_is_finished_after_retries_when_the_receiver_fails_thirty_percent_of_calls()
    {
        await using var sink = await Sink.StartAsync();
        sink.FailureRate = 0.3;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAlumioWebhooks(webhooks => webhooks
            .AddIncoming("orders", incoming => incoming.ParseJson().PatternToItems("orders"))
            .AddWebhook("orders", webhook => webhook.Incoming("orders"))
            .AddOutgoing("erp", outgoing => outgoing.Http(HttpMethod.Post, sink.BaseUrl + "/erp"))
            .AddOutgoing("shop", outgoing => outgoing.Http(HttpMethod.Post, sink.BaseUrl + "/shop"))
            .AddRoute("erp", route => route.From("orders").To("erp").Retry(10, TimeSpan.FromSeconds(1)))
            .AddRoute("shop", route => route.From("orders").To("shop").Retry(10, TimeSpan.FromSeconds(1)))
            .ConfigureProcessor(options => { options.PollInterval = TimeSpan.FromMilliseconds(100); options.MaxConcurrency = 8; }));
        await using var app = builder.Build();
        app.MapWebhooks();
        await app.StartAsync();
        using var client = app.GetTestClient();

        for (var request = 0; request < 50; request++)
        {
            var orders = Enumerable.Range(0, 2).Select(item => new { id = $"r{request}-{item}" });
            using var response = await client.PostAsJsonAsync("/api/v1/webhook/orders", new { orders });
            response.EnsureSuccessStatusCode();
        }

        var store = app.Services.GetRequiredService<ITaskStore>();
        await Eventually.HoldsAsync(async () => (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Finished, Limit = 500 }, CancellationToken.None)).Items.Count == 200, TimeSpan.FromSeconds(90));

        sink.Refused.Should().BeGreaterThan(20, "about 30% of the calls were refused");
        sink.Delivered.Distinct().Should().HaveCount(200);
        sink.Delivered.Should().OnlyHaveUniqueItems("a refused call is retried, an accepted one is not");
        var all = (await store.QueryAsync(new TaskQuery { Limit = 500 }, CancellationToken.None)).Items;
        all.Should().OnlyContain(t => t.Status == WebhookTaskStatus.Finished);
        all.Should().Contain(t => t.Attempts > 1, "some tasks needed retries");
    }
}
