using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
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

    private RouteBuilder Add(Func<IServiceProvider, IEntityTransformer> factory)
    {
        var location = $"route '{_definition.Name}' transformer {_definition.Transformers.Count}";
        _definition.Transformers.Add(Recipe.FromCode(location, factory));
        return this;
    }
}
