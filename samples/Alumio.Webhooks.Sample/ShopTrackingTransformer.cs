using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Sample;

/// <summary>
/// Turns a WMS shipment into the shop's tracking update; a shipment without a tracking code is
/// skipped. Registered in Program.cs as the transformer prototype <c>shop-tracking</c>.
/// </summary>
public sealed class ShopTrackingTransformer : IEntityTransformer
{
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        var trackingCode = entity["trackingCode"]?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(trackingCode))
        {
            return ValueTask.FromResult(EntityTransformResult.Skip("The shipment has no tracking code yet."));
        }

        JsonNode update = new JsonObject
        {
            ["order"] = entity["orderId"]?.GetValue<string>(),
            ["tracking_code"] = trackingCode,
            ["carrier"] = entity["carrier"]?.GetValue<string>(),
        };
        return ValueTask.FromResult(EntityTransformResult.Continue(update));
    }
}
