using System.Net.Http.Json;
using Alumio.Webhooks.Durability.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Durability.Tests;

/// <summary>Two app instances with their own processors on one PostgreSQL queue: every task delivered once.</summary>
public class TwoInstanceTests
{
    [Test]
    public async Task Two_instances_sharing_one_queue_deliver_every_task_exactly_once()
    {
        var connectionString = Postgres.ConnectionString;
        var schema = Postgres.NewSchema();
        await using var sink = await Sink.StartAsync();
        try
        {
            await using var first = await StartAsync(connectionString, schema, sink);
            await using var second = await StartAsync(connectionString, schema, sink);
            using var firstClient = first.GetTestClient();
            using var secondClient = second.GetTestClient();

            await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (request, token) =>
            {
                var client = request % 2 == 0 ? firstClient : secondClient;
                var orders = new[] { new { id = $"r{request}-0" }, new { id = $"r{request}-1" } };
                using var response = await client.PostAsJsonAsync("/api/v1/webhook/orders", new { orders }, token);
                response.EnsureSuccessStatusCode();
            });

            var store = first.Services.GetRequiredService<ITaskStore>();
            await Eventually.HoldsAsync(async () => sink.Delivered.Count >= 800 && await PendingAsync(store) == 0, TimeSpan.FromSeconds(120));

            sink.Delivered.Should().HaveCount(800).And.OnlyHaveUniqueItems("no task is delivered twice in normal operation");
            var tasks = await AllAsync(store);
            tasks.Should().HaveCount(800).And.OnlyContain(t => t.Status == WebhookTaskStatus.Finished && t.Attempts == 1);
        }
        finally
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }

    private static async Task<WebApplication> StartAsync(string connectionString, string schema, Sink sink)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddAlumioWebhooks(webhooks => webhooks
            .AddIncoming("orders", incoming => incoming.ParseJson().PatternToItems("orders"))
            .AddWebhook("orders", webhook => webhook.Incoming("orders"))
            .AddOutgoing("erp", outgoing => outgoing.Http(HttpMethod.Post, sink.BaseUrl + "/erp"))
            .AddOutgoing("shop", outgoing => outgoing.Http(HttpMethod.Post, sink.BaseUrl + "/shop"))
            .AddRoute("erp", route => route.From("orders").To("erp"))
            .AddRoute("shop", route => route.From("orders").To("shop"))
            .ConfigureProcessor(options => { options.MaxConcurrency = 4; options.BatchSize = 16; })
            .UsePostgreSqlTaskStore(connectionString, options => options.Schema = schema));
        var app = builder.Build();
        app.MapWebhooks();
        await app.StartAsync();
        return app;
    }

    private static async Task<int> PendingAsync(ITaskStore store) =>
        (await AllAsync(store)).Count(t => t.Status is not WebhookTaskStatus.Finished);

    private static async Task<List<WebhookTask>> AllAsync(ITaskStore store)
    {
        var all = new List<WebhookTask>();
        Guid? after = null;
        do
        {
            var page = await store.QueryAsync(new TaskQuery { Limit = TaskQuery.MaxLimit, After = after }, CancellationToken.None);
            all.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        return all;
    }
}
