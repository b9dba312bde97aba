using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Configuration;

/// <summary>Declares an outgoing in code.</summary>
public sealed class OutgoingBuilder
{
    private readonly OutgoingDefinition _definition;

    internal OutgoingBuilder(OutgoingDefinition definition) => _definition = definition;

    /// <summary>Delivers entities as JSON to an HTTP endpoint (the <c>http</c> outgoing).</summary>
    /// <param name="method">The HTTP method.</param>
    /// <param name="url">The URL; <c>&amp;{path}</c> placeholders are filled from the entity.</param>
    /// <returns>This builder.</returns>
    public OutgoingBuilder Http(HttpMethod method, string url)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(url);
        return Http(new HttpOutgoingOptions { Method = method, Url = url });
    }

    /// <summary>Delivers entities as JSON to an HTTP endpoint (the <c>http</c> outgoing).</summary>
    /// <param name="options">The settings.</param>
    /// <returns>This builder.</returns>
    public OutgoingBuilder Http(HttpOutgoingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Set(services => new HttpOutgoing(options, services.GetRequiredService<IHttpClientFactory>(), services.GetService<TimeProvider>(), services.GetService<Microsoft.Extensions.Configuration.IConfiguration>()));
    }

    /// <summary>Delivers entities with a code delegate.</summary>
    /// <param name="send">The delivery; it resolves what it needs from <see cref="TaskContext.Services"/>.</param>
    /// <returns>This builder.</returns>
    public OutgoingBuilder Deliver(Func<JsonNode, TaskContext, CancellationToken, ValueTask<OutgoingResult>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        return Set(_ => new DelegateOutgoing(send));
    }

    /// <summary>Delivers nothing: the task just finishes (the <c>no-action</c> outgoing).</summary>
    /// <returns>This builder.</returns>
    public OutgoingBuilder NoAction() => Use(NoActionOutgoing.Instance);

    /// <summary>Delivers entities with an outgoing instance of your own.</summary>
    /// <param name="outgoing">The outgoing.</param>
    /// <returns>This builder.</returns>
    public OutgoingBuilder Use(IOutgoing outgoing)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        return Set(_ => outgoing);
    }

    /// <summary>Delivers entities with an outgoing of your own, created from the application's services.</summary>
    /// <typeparam name="TOutgoing">The outgoing type; its constructor parameters are resolved from DI.</typeparam>
    /// <returns>This builder.</returns>
    public OutgoingBuilder Use<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TOutgoing>()
        where TOutgoing : class, IOutgoing =>
        Set(services => ActivatorUtilities.CreateInstance<TOutgoing>(services));

    private OutgoingBuilder Set(Func<IServiceProvider, IOutgoing> factory)
    {
        _definition.Outgoing = Recipe.FromCode($"outgoing '{_definition.Identifier}'", factory);
        return this;
    }
}
