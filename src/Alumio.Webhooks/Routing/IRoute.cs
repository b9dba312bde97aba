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

    /// <summary>Gets how failed deliveries are retried; <see cref="RetryPolicy.None"/> unless configured.</summary>
    RetryPolicy Retry => RetryPolicy.None;

    /// <summary>
    /// Gets a value indicating whether the route delivers a request's tasks at once, before the webhook answers
    /// (Alumio's "enable real-time processing"). They are stored first all the same, and a failure goes on to retries.
    /// </summary>
    bool RealTime => false;

    /// <summary>Gets the most tasks of this route processed at the same time in one process, or <see langword="null"/> for the processor's limit only.</summary>
    int? MaxConcurrency => null;

    /// <summary>
    /// Gets the name of each transformer for task errors, such as <c>value-mapper</c>: the prototype it was configured
    /// with; <see langword="null"/> to name built-ins by their prototype and others by their type.
    /// </summary>
    IReadOnlyList<string>? TransformerNames => null;
}
