using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Transformation;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Configuration;

/// <summary>
/// Declares webhooks, incomings, outgoings, routes and custom prototypes. Everything declared here and
/// in bound configuration is checked together at start-up.
/// </summary>
public sealed class AlumioWebhooksBuilder
{
    internal AlumioWebhooksBuilder(IServiceCollection services) => Services = services;

    /// <summary>Gets the application's service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Reads webhooks, incomings, outgoings and routes from a configuration section (usually <c>Alumio</c>).</summary>
    /// <param name="configuration">The section with the keys <c>Webhooks</c>, <c>Incoming</c>, <c>Outgoing</c> and <c>Routes</c>.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return Setup(setup => setup.Sections.Add(configuration));
    }

    /// <summary>Declares a webhook, mapped at <c>POST {BasePath}/webhook/{identifier}</c>.</summary>
    /// <param name="identifier">The identifier: letters, digits, <c>-</c>, <c>_</c> and <c>.</c>.</param>
    /// <param name="configure">Declares the incomings and validators.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddWebhook(string identifier, Action<WebhookBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(configure);
        var definition = new WebhookDefinition(identifier, "code");
        configure(new WebhookBuilder(definition));
        return Setup(setup => setup.Webhooks.Add(definition));
    }

    /// <summary>Declares an incoming: how bodies are parsed and split into items.</summary>
    /// <param name="identifier">The identifier.</param>
    /// <param name="configure">Declares the parser and the pattern.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddIncoming(string identifier, Action<IncomingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(configure);
        var definition = new IncomingDefinition(identifier, "code");
        configure(new IncomingBuilder(definition));
        return Setup(setup => setup.Incoming.Add(definition));
    }

    /// <summary>Declares an outgoing: where entities are delivered.</summary>
    /// <param name="identifier">The identifier.</param>
    /// <param name="configure">Declares the delivery.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddOutgoing(string identifier, Action<OutgoingBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        ArgumentNullException.ThrowIfNull(configure);
        var definition = new OutgoingDefinition(identifier, "code");
        configure(new OutgoingBuilder(definition));
        return Setup(setup => setup.Outgoing.Add(definition));
    }

    /// <summary>Declares a route from an incoming to an outgoing.</summary>
    /// <param name="name">The route's unique name.</param>
    /// <param name="configure">Declares the incoming, transformers and outgoing.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddRoute(string name, Action<RouteBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(configure);
        var definition = new RouteDefinition(name, "code");
        configure(new RouteBuilder(definition));
        return Setup(setup => setup.Routes.Add(definition));
    }

    /// <summary>Registers a request validator prototype that configuration can name in <c>Validators</c>.</summary>
    /// <param name="name">The prototype name; a later registration of the same name wins.</param>
    /// <param name="factory">Creates the validator from its settings and the application's services.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddValidatorPrototype(string name, Func<PrototypeContext, IRequestValidator> factory) =>
        AddPrototype(name, factory, setup => setup.ValidatorPrototypes);

    /// <summary>Registers a parser prototype that configuration can name in <c>Parser</c>.</summary>
    /// <param name="name">The prototype name; a later registration of the same name wins.</param>
    /// <param name="factory">Creates the parser from its settings and the application's services.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddParserPrototype(string name, Func<PrototypeContext, IParser> factory) =>
        AddPrototype(name, factory, setup => setup.ParserPrototypes);

    /// <summary>Registers an entity transformer prototype that configuration can name in <c>Transformers</c>.</summary>
    /// <param name="name">The prototype name; a later registration of the same name wins.</param>
    /// <param name="factory">Creates the transformer from its settings and the application's services.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddTransformerPrototype(string name, Func<PrototypeContext, IEntityTransformer> factory) =>
        AddPrototype(name, factory, setup => setup.TransformerPrototypes);

    /// <summary>Registers a condition prototype that configuration can name in the <c>Condition</c> of a <c>filter</c> or <c>conditional</c> transformer.</summary>
    /// <param name="name">The prototype name; a later registration of the same name wins.</param>
    /// <param name="factory">Creates the condition from its settings and the application's services.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddConditionPrototype(string name, Func<PrototypeContext, IEntityCondition> factory) =>
        AddPrototype(name, factory, setup => setup.ConditionPrototypes);

    /// <summary>Registers an outgoing prototype that configuration can name in <c>Outgoing</c>.</summary>
    /// <param name="name">The prototype name; a later registration of the same name wins.</param>
    /// <param name="factory">Creates the outgoing from its settings and the application's services.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder AddOutgoingPrototype(string name, Func<PrototypeContext, IOutgoing> factory) =>
        AddPrototype(name, factory, setup => setup.OutgoingPrototypes);

    /// <summary>Changes host-level settings such as the base path.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder Configure(Action<AlumioWebhooksOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    /// <summary>Changes how the background processor leases and delivers tasks.</summary>
    /// <param name="configure">Changes the options.</param>
    /// <returns>This builder.</returns>
    public AlumioWebhooksBuilder ConfigureProcessor(Action<TaskProcessorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        Services.Configure(configure);
        return this;
    }

    private AlumioWebhooksBuilder AddPrototype<T>(string name, Func<PrototypeContext, T> factory, Func<AlumioWebhooksSetup, Dictionary<string, Func<PrototypeContext, T>>> registry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        return Setup(setup => registry(setup)[name] = factory);
    }

    private AlumioWebhooksBuilder Setup(Action<AlumioWebhooksSetup> configure)
    {
        Services.Configure(configure);
        return this;
    }
}
