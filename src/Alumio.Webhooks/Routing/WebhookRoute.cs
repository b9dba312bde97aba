using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Routing;

/// <summary>The route built from configuration or code.</summary>
/// <param name="Name">The route's unique name.</param>
/// <param name="Incoming">The identifier of the incoming whose items the route takes.</param>
/// <param name="Transformers">The transformers applied in order to each entity.</param>
/// <param name="OutgoingName">The identifier of the outgoing.</param>
/// <param name="Outgoing">The outgoing the entities are delivered to.</param>
public sealed record WebhookRoute(
    string Name,
    string Incoming,
    IReadOnlyList<IEntityTransformer> Transformers,
    string OutgoingName,
    IOutgoing Outgoing) : IRoute
{
    /// <inheritdoc />
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;

    /// <inheritdoc />
    public bool RealTime { get; init; }

    /// <inheritdoc />
    public int? MaxConcurrency { get; init; }

    /// <inheritdoc />
    public IReadOnlyList<string>? TransformerNames { get; init; }
}
