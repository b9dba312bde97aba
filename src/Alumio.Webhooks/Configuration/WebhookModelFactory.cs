using System.Buffers;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Routing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Configuration;

/// <summary>Checks everything declared in code and configuration together and builds the <see cref="WebhookModel"/>.</summary>
internal static class WebhookModelFactory
{
    private static readonly SearchValues<char> IdentifierChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    public static WebhookModel Build(AlumioWebhooksSetup setup, IServiceProvider services)
    {
        var errors = new List<string>();
        var declared = new AlumioWebhooksSetup();
        declared.Webhooks.AddRange(setup.Webhooks);
        declared.Incoming.AddRange(setup.Incoming);
        declared.Outgoing.AddRange(setup.Outgoing);
        declared.Routes.AddRange(setup.Routes);
        foreach (var section in setup.Sections)
        {
            ConfigurationReader.Read(section, setup, declared, errors);
        }

        CheckIdentifiers(declared.Webhooks, w => w.Identifier, w => w.Source, "webhook", errors);
        CheckIdentifiers(declared.Incoming, i => i.Identifier, i => i.Source, "incoming", errors);
        CheckIdentifiers(declared.Outgoing, o => o.Identifier, o => o.Source, "outgoing", errors);
        CheckIdentifiers(declared.Routes, r => r.Name, r => r.Source, "route", errors);

        var incomingIds = declared.Incoming.Select(i => i.Identifier).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var outgoingIds = declared.Outgoing.Select(o => o.Identifier).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var incoming = new List<Incoming>();
        foreach (var definition in declared.Incoming)
        {
            var built = BuildIncoming(definition, services, errors);
            if (built is not null)
            {
                incoming.Add(built);
            }
        }

        var outgoing = new List<KeyValuePair<string, IOutgoing>>();
        foreach (var definition in declared.Outgoing)
        {
            if (definition.Outgoing is null)
            {
                errors.Add($"{Where(definition.Source, "outgoing", definition.Identifier)} says nowhere to deliver; set its Prototype (for example 'http').");
                continue;
            }

            var built = definition.Outgoing(services, errors);
            if (built is not null)
            {
                outgoing.Add(new(definition.Identifier, built));
            }
        }

        var outgoingById = outgoing.DistinctBy(pair => pair.Key, StringComparer.OrdinalIgnoreCase).ToDictionary(StringComparer.OrdinalIgnoreCase);
        var routes = new List<IRoute>();
        foreach (var definition in declared.Routes)
        {
            var where = Where(definition.Source, "route", definition.Name);
            CheckReference(definition.Incoming, incomingIds, where, "Incoming", "incoming", errors);
            CheckReference(definition.Outgoing, outgoingIds, where, "Outgoing", "outgoing", errors);
            var transformers = BuildAll(definition.Transformers, services, errors);
            if (transformers is not null && definition.Incoming is { } from && definition.Outgoing is { } to && outgoingById.TryGetValue(to, out var target))
            {
                routes.Add(new WebhookRoute(definition.Name, Canonical(from, declared.Incoming.Select(i => i.Identifier)), transformers, to, target)
                {
                    Retry = definition.Retry,
                    RealTime = definition.RealTime,
                    MaxConcurrency = definition.MaxConcurrency,
                    TransformerNames = [.. definition.TransformerNames],
                });
            }
        }

        var routedIncoming = declared.Routes.Where(r => r.Incoming is not null).Select(r => r.Incoming!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var webhooks = new List<Webhook>();
        foreach (var definition in declared.Webhooks)
        {
            var where = Where(definition.Source, "webhook", definition.Identifier);
            if (definition.Incoming.Count == 0)
            {
                errors.Add($"{where} names no Incoming to feed.");
            }

            foreach (var name in definition.Incoming)
            {
                if (!incomingIds.Contains(name))
                {
                    errors.Add($"{where} feeds incoming '{name}', which is not configured.");
                }
                else if (!routedIncoming.Contains(name))
                {
                    errors.Add($"{where} feeds incoming '{name}', but no route takes its items; its requests would be accepted and dropped.");
                }
            }

            var validators = BuildAll(definition.Validators, services, errors);
            if (validators is not null)
            {
                var names = definition.Incoming.Select(name => Canonical(name, incomingIds)).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
                webhooks.Add(new Webhook(definition.Identifier, names, validators) { MaxBodySize = definition.MaxBodySize, RequireItems = definition.RequireItems, ValidationFailureStatus = definition.ValidationFailureStatus, IdempotencyKey = definition.IdempotencyKey });
            }
        }

        if (errors.Count > 0)
        {
            throw new AlumioConfigurationException(errors);
        }

        return new WebhookModel(webhooks, incoming, outgoing, routes);
    }

    private static Incoming? BuildIncoming(IncomingDefinition definition, IServiceProvider services, List<string> errors)
    {
        var where = Where(definition.Source, "incoming", definition.Identifier);
        var parser = definition.Parser?.Invoke(services, errors);
        if (definition.Parser is null)
        {
            errors.Add($"{where} has no Parser; set one such as {{ \"Prototype\": \"json\" }} or {{ \"Prototype\": \"xml\" }}.");
        }

        IItemSplitter? splitter = PatternItemSplitter.WholeDocument;
        if (definition.Splitter is not null)
        {
            splitter = definition.Splitter(services, errors);
        }
        else if (!string.IsNullOrEmpty(definition.Pattern))
        {
            try
            {
                splitter = new PatternItemSplitter(ItemPattern.Parse(definition.Pattern));
            }
            catch (FormatException exception)
            {
                errors.Add($"{where} has an invalid PatternToItems '{definition.Pattern}': {exception.Message}");
                splitter = null;
            }
        }

        return parser is null || splitter is null ? null : new Incoming(definition.Identifier, parser, splitter);
    }

    private static T[]? BuildAll<T>(List<ComponentRecipe<T>> recipes, IServiceProvider services, List<string> errors)
        where T : class
    {
        var built = new T[recipes.Count];
        var failed = false;
        for (var i = 0; i < recipes.Count; i++)
        {
            var component = recipes[i](services, errors);
            if (component is null)
            {
                failed = true;
            }
            else
            {
                built[i] = component;
            }
        }

        return failed ? null : built;
    }

    private static void CheckReference(string? name, HashSet<string> known, string where, string key, string kind, List<string> errors)
    {
        if (string.IsNullOrEmpty(name))
        {
            errors.Add($"{where} has no {key}.");
        }
        else if (!known.Contains(name))
        {
            errors.Add($"{where} names {kind} '{name}', which is not configured.");
        }
    }

    private static void CheckIdentifiers<T>(List<T> definitions, Func<T, string> id, Func<T, string> source, string kind, List<string> errors)
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in definitions)
        {
            var name = id(definition);
            if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(IdentifierChars))
            {
                errors.Add($"{Where(source(definition), kind, name)}: the identifier '{name}' may hold only letters, digits, '-', '_' and '.'.");
            }

            if (seen.TryGetValue(name, out var first))
            {
                errors.Add($"The {kind} '{name}' is declared twice: in {first} and in {source(definition)}.");
            }
            else
            {
                seen.Add(name, source(definition));
            }
        }
    }

    private static string Canonical(string name, IEnumerable<string> declared) =>
        declared.FirstOrDefault(candidate => string.Equals(candidate, name, StringComparison.OrdinalIgnoreCase)) ?? name;

    private static string Where(string source, string kind, string name) =>
        source == "code" ? $"The {kind} '{name}' (declared in code)" : source;
}
