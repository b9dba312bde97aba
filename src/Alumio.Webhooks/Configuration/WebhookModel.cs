using System.Collections.Frozen;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Routing;

namespace Alumio.Webhooks.Configuration;

/// <summary>
/// The validated, immutable model built at start-up from code and configuration. Identifiers are
/// matched case-insensitively, as configuration keys are.
/// </summary>
public sealed class WebhookModel
{
    private readonly FrozenDictionary<string, IRoute[]> _routesByIncoming;

    /// <summary>Initializes a new instance of the <see cref="WebhookModel"/> class.</summary>
    /// <param name="webhooks">The webhooks.</param>
    /// <param name="incoming">The incomings.</param>
    /// <param name="outgoing">The outgoings.</param>
    /// <param name="routes">The routes.</param>
    public WebhookModel(
        IEnumerable<Webhook> webhooks,
        IEnumerable<Incoming> incoming,
        IEnumerable<KeyValuePair<string, IOutgoing>> outgoing,
        IEnumerable<IRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(routes);
        Webhooks = webhooks.ToFrozenDictionary(webhook => webhook.Identifier, StringComparer.OrdinalIgnoreCase);
        Incoming = incoming.ToFrozenDictionary(item => item.Identifier, StringComparer.OrdinalIgnoreCase);
        Outgoing = outgoing.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
        Routes = routes.ToFrozenDictionary(route => route.Name, StringComparer.OrdinalIgnoreCase);
        _routesByIncoming = Routes.Values
            .GroupBy(route => route.Incoming, StringComparer.OrdinalIgnoreCase)
            .ToFrozenDictionary(group => group.Key, group => group.OrderBy(route => route.Name, StringComparer.Ordinal).ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Gets the webhooks by identifier.</summary>
    public IReadOnlyDictionary<string, Webhook> Webhooks { get; }

    /// <summary>Gets the incomings by identifier.</summary>
    public IReadOnlyDictionary<string, Incoming> Incoming { get; }

    /// <summary>Gets the outgoings by identifier.</summary>
    public IReadOnlyDictionary<string, IOutgoing> Outgoing { get; }

    /// <summary>Gets the routes by name.</summary>
    public IReadOnlyDictionary<string, IRoute> Routes { get; }

    /// <summary>Gets the routes that take the items of an incoming, ordered by name.</summary>
    /// <param name="incoming">The incoming's identifier.</param>
    /// <returns>The routes; empty when none.</returns>
    public IReadOnlyList<IRoute> GetRoutes(string incoming) =>
        _routesByIncoming.TryGetValue(incoming, out var routes) ? routes : [];
}
