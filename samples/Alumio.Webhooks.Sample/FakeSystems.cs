using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Sample;

/// <summary>
/// The ERP and the shop of the story, as two endpoints in the same app. They log what they receive
/// and keep it, so the walkthrough and the tests can see it arrive.
/// </summary>
public sealed class FakeSystems
{
    private readonly ConcurrentQueue<ReceivedMessage> _received = new();

    public IReadOnlyCollection<ReceivedMessage> Received => _received;

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/fake-erp/orders/{orderId}/complete", (string orderId, JsonNode shipment, FakeSystems systems, ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("FakeERP").LogInformation("ERP: order {OrderId} completed, shipment {Shipment}", orderId, shipment.ToJsonString());
            systems._received.Enqueue(new ReceivedMessage("erp", $"/fake-erp/orders/{orderId}/complete", shipment.ToJsonString()));
            return Results.Ok();
        });

        endpoints.MapPost("/fake-shop/tracking", (JsonNode update, FakeSystems systems, ILoggerFactory loggers) =>
        {
            loggers.CreateLogger("FakeShop").LogInformation("Shop: tracking update {Update}", update.ToJsonString());
            systems._received.Enqueue(new ReceivedMessage("shop", "/fake-shop/tracking", update.ToJsonString()));
            return Results.Ok();
        });

        endpoints.MapGet("/fake-systems/received", (FakeSystems systems) => Results.Ok(systems.Received));
    }
}

/// <summary>One message a fake system received.</summary>
public sealed record ReceivedMessage(string System, string Path, string Body);
