using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Routing;

/// <summary>Binds an incoming to an outgoing, with entity transformers between.</summary>
public interface IRoute
{
    /// <summary>Gets the route's unique name.</summary>
    string Name { get; }

    /// <summary>Gets the identifier of the incoming whose items the route takes.</summary>
    string Incoming { get; }

    /// <summary>Gets the transformers applied in order to each entity.</summary>
    IReadOnlyList<IEntityTransformer> Transformers { get; }

    /// <summary>Gets the identifier of the outgoing the entities are delivered to.</summary>
    string OutgoingName { get; }

    /// <summary>Gets the outgoing the entities are delivered to.</summary>
    IOutgoing Outgoing { get; }
}
