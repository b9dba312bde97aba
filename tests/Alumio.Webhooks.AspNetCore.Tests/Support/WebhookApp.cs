using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.AspNetCore.Tests.Support;

/// <summary>A host running the real endpoints on TestServer, with the background processor off unless asked.</summary>
public sealed class WebhookApp : IAsyncDisposable
{
    private WebhookApp(WebApplication app)
    {
        App = app;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public ITaskStore Store => App.Services.GetRequiredService<ITaskStore>();

    public static async Task<WebhookApp> StartAsync(
        Action<AlumioWebhooksBuilder> configure,
        Action<WebApplication>? map = null,
        Action<WebApplicationBuilder>? build = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddProblemDetails();
        var webhooks = builder.Services.AddAlumioWebhooks().ConfigureProcessor(options => options.Enabled = false);
        configure(webhooks);
        build?.Invoke(builder);
        var app = builder.Build();
        if (map is null)
        {
            app.MapWebhooks();
            app.MapWebhookTasks();
        }
        else
        {
            map(app);
        }

        await app.StartAsync();
        return new WebhookApp(app);
    }

    /// <summary>The seed scenario in code: XML shipments, a header secret, two routes.</summary>
    public static AlumioWebhooksBuilder Warehouse(AlumioWebhooksBuilder webhooks, ConcurrentQueue<string>? delivered = null) => webhooks
        .AddIncoming("wms-shipments", incoming => incoming.ParseXml().PatternToItems("shipments.shipment"))
        .AddWebhook("wms-shipments", webhook => webhook.Incoming("wms-shipments").ValidateHeader("X-Alumio-Auth", "VerySecret"))
        .AddOutgoing("erp", outgoing => outgoing.Deliver(Record(delivered, "erp")))
        .AddOutgoing("shop", outgoing => outgoing.Deliver(Record(delivered, "shop")))
        .AddRoute("complete-order-in-erp", route => route.From("wms-shipments").To("erp"))
        .AddRoute("send-tracking-to-shop", route => route.From("wms-shipments").To("shop"));

    public async Task<IReadOnlyList<WebhookTask>> AllTasksAsync() =>
        (await Store.QueryAsync(new TaskQuery { Limit = TaskQuery.MaxLimit }, CancellationToken.None)).Items;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }

    private static Func<JsonNode, Alumio.Webhooks.Processing.TaskContext, CancellationToken, ValueTask<OutgoingResult>> Record(ConcurrentQueue<string>? delivered, string system) =>
        (entity, _, _) =>
        {
            delivered?.Enqueue(system + ":" + entity.ToJsonString());
            return ValueTask.FromResult(OutgoingResult.Success());
        };
}
