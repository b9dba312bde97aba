using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Configuration;

/// <summary>Declares a route in code.</summary>
public sealed class RouteBuilder
{
    private readonly RouteDefinition _definition;

    internal RouteBuilder(RouteDefinition definition) => _definition = definition;

    /// <summary>Takes the items of an incoming.</summary>
    /// <param name="incoming">The incoming's identifier.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder From(string incoming)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(incoming);
        _definition.Incoming = incoming;
        return this;
    }

    /// <summary>Delivers to an outgoing.</summary>
    /// <param name="outgoing">The outgoing's identifier.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder To(string outgoing)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outgoing);
        _definition.Outgoing = outgoing;
        return this;
    }

    /// <summary>Adds an entity transformer; transformers run in the order added.</summary>
    /// <param name="transformer">The transformer.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Transform(IEntityTransformer transformer)
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return Add(_ => transformer);
    }

    /// <summary>Adds a code transformer; return the entity to go on or <see cref="EntityTransformResult.Skip"/>.</summary>
    /// <param name="transform">The transformation.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Transform(Func<JsonNode, EntityTransformResult> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return Add(_ => new DelegateEntityTransformer(transform));
    }

    /// <summary>Adds a transformer of your own, created from the application's services.</summary>
    /// <typeparam name="TTransformer">The transformer type; its constructor parameters are resolved from DI.</typeparam>
    /// <returns>This builder.</returns>
    public RouteBuilder Transform<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTransformer>()
        where TTransformer : class, IEntityTransformer =>
        Add(services => ActivatorUtilities.CreateInstance<TTransformer>(services));

    /// <summary>Retries failed deliveries with exponential backoff and jitter (Alumio's "activate retrying of failed tasks").</summary>
    /// <param name="maxRetries">How many times a failed delivery is tried again: 0 to 10.</param>
    /// <param name="maxInterval">The longest wait between retries, up to 6 hours (the default).</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Retry(int maxRetries, TimeSpan? maxInterval = null)
    {
        _definition.Retry = new RetryPolicy(maxRetries, maxInterval);
        return this;
    }

    /// <summary>Delivers each request's tasks at once, before the webhook answers; they are still stored first.</summary>
    /// <param name="realTime">Whether the route delivers in real time.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder RealTime(bool realTime = true)
    {
        _definition.RealTime = realTime;
        return this;
    }

    /// <summary>Limits how many of this route's tasks one process handles at the same time.</summary>
    /// <param name="maxConcurrency">The limit: 1 to 1024.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder MaxConcurrency(int maxConcurrency)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxConcurrency, 1024);
        _definition.MaxConcurrency = maxConcurrency;
        return this;
    }

    private RouteBuilder Add(Func<IServiceProvider, IEntityTransformer> factory)
    {
        var location = $"route '{_definition.Name}' transformer {_definition.Transformers.Count}";
        _definition.Transformers.Add(Recipe.FromCode(location, factory));
        return this;
    }
}
