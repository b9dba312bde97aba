using System.Globalization;
using Alumio.Webhooks.Routing;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Configuration;

/// <summary>Reads the <c>Alumio</c> configuration section into definitions, recording every structural problem.</summary>
internal static class ConfigurationReader
{
    private static readonly string[] RootKeys = ["Webhooks", "Incoming", "Outgoing", "Routes"];
    private static readonly string[] WebhookKeys = ["Incoming", "Validators", "MaxBodySize", "RequireItems", "ValidationFailureStatus", "IdempotencyKey", "IdempotencyWindow"];
    private static readonly string[] IncomingKeys = ["Parser", "PatternToItems"];
    private static readonly string[] RouteKeys = ["Incoming", "Outgoing", "Transformers", "Retry", "RealTime", "MaxConcurrency"];
    private static readonly string[] RetryKeys = ["MaxRetries", "MaxInterval"];

    public static void Read(IConfiguration root, AlumioWebhooksSetup setup, AlumioWebhooksSetup into, ICollection<string> errors)
    {
        CheckKeys(root, RootKeys, "the Alumio section", errors);

        foreach (var section in root.GetSection("Webhooks").GetChildren())
        {
            CheckKeys(section, WebhookKeys, "a webhook", errors);
            var definition = new WebhookDefinition(section.Key, section.Path);
            definition.Incoming.AddRange(ReadStrings(section.GetSection("Incoming"), errors));
            if (ReadString(section.GetSection("MaxBodySize"), errors) is { } maxBodySize)
            {
                if (long.TryParse(maxBodySize, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes >= 1)
                {
                    definition.MaxBodySize = bytes;
                }
                else
                {
                    errors.Add($"{section.Path}:MaxBodySize '{maxBodySize}' must be a whole number of bytes, at least 1.");
                }
            }

            if (ReadString(section.GetSection("RequireItems"), errors) is { } requireItems)
            {
                if (bool.TryParse(requireItems, out var required))
                {
                    definition.RequireItems = required;
                }
                else
                {
                    errors.Add($"{section.Path}:RequireItems '{requireItems}' must be true or false.");
                }
            }

            if (ReadString(section.GetSection("ValidationFailureStatus"), errors) is { } failureStatus)
            {
                if (int.TryParse(failureStatus, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && status is >= 400 and <= 499)
                {
                    definition.ValidationFailureStatus = status;
                }
                else
                {
                    errors.Add($"{section.Path}:ValidationFailureStatus '{failureStatus}' must be a 4xx status code, such as 401, 403 or 404.");
                }
            }

            ReadIdempotency(section, definition, errors);

            foreach (var item in ReadList(section.GetSection("Validators"), errors))
            {
                definition.Validators.Add(Recipe.FromPrototype(item, "validator", setup.ValidatorPrototypes));
            }

            into.Webhooks.Add(definition);
        }

        foreach (var section in root.GetSection("Incoming").GetChildren())
        {
            CheckKeys(section, IncomingKeys, "an incoming", errors);
            var definition = new IncomingDefinition(section.Key, section.Path);
            var parser = section.GetSection("Parser");
            if (parser.Exists())
            {
                definition.Parser = Recipe.FromPrototype(parser, "parser", setup.ParserPrototypes);
            }

            definition.Pattern = ReadString(section.GetSection("PatternToItems"), errors);
            into.Incoming.Add(definition);
        }

        foreach (var section in root.GetSection("Outgoing").GetChildren())
        {
            into.Outgoing.Add(new OutgoingDefinition(section.Key, section.Path)
            {
                Outgoing = Recipe.FromPrototype(section, "outgoing", setup.OutgoingPrototypes),
            });
        }

        foreach (var section in root.GetSection("Routes").GetChildren())
        {
            CheckKeys(section, RouteKeys, "a route", errors);
            var definition = new RouteDefinition(section.Key, section.Path)
            {
                Incoming = ReadString(section.GetSection("Incoming"), errors),
                Outgoing = ReadString(section.GetSection("Outgoing"), errors),
            };
            foreach (var item in ReadList(section.GetSection("Transformers"), errors))
            {
                definition.Transformers.Add(Recipe.FromPrototype(item, "transformer", setup.TransformerPrototypes));
                definition.TransformerNames.Add(Recipe.PrototypeName(item, setup.TransformerPrototypes));
            }

            ReadDelivery(section, definition, errors);

            into.Routes.Add(definition);
        }
    }

    private static void CheckKeys(IConfiguration section, string[] known, string what, ICollection<string> errors)
    {
        foreach (var child in section.GetChildren())
        {
            if (!known.Contains(child.Key, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"{child.Path} is not a setting of {what}; expected {string.Join(", ", known)}.");
            }
        }
    }

    private static string? ReadString(IConfigurationSection section, ICollection<string> errors)
    {
        if (section.Value is null && section.GetChildren().Any())
        {
            errors.Add($"{section.Path} must be a single value.");
        }

        return section.Value;
    }

    private static IEnumerable<string> ReadStrings(IConfigurationSection section, ICollection<string> errors)
    {
        if (section.Value is not null)
        {
            return [section.Value];
        }

        return ReadList(section, errors).Select(item =>
        {
            if (item.Value is null)
            {
                errors.Add($"{item.Path} must be a single value.");
            }

            return item.Value ?? string.Empty;
        }).Where(value => value.Length > 0).ToList();
    }

    private static IEnumerable<IConfigurationSection> ReadList(IConfigurationSection section, ICollection<string> errors)
    {
        var items = section.GetChildren().ToList();
        if (section.Value is not null && section.Value.Length > 0)
        {
            errors.Add($"{section.Path} must be a list.");
            return [];
        }

        if (items.Exists(item => !int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            errors.Add($"{section.Path} must be a list ([ ... ]), not an object.");
            return [];
        }

        return items.OrderBy(item => int.Parse(item.Key, CultureInfo.InvariantCulture));
    }

    private static void ReadDelivery(IConfigurationSection section, RouteDefinition definition, ICollection<string> errors)
    {
        var retry = section.GetSection("Retry");
        if (retry.Exists())
        {
            CheckKeys(retry, RetryKeys, "a route's Retry", errors);
            var maxRetries = 0;
            TimeSpan? maxInterval = null;
            if (ReadString(retry.GetSection("MaxRetries"), errors) is { } retries)
            {
                if (int.TryParse(retries, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count <= RetryPolicy.MaxRetriesLimit)
                {
                    maxRetries = count;
                }
                else
                {
                    errors.Add($"{retry.Path}:MaxRetries '{retries}' must be a whole number from 0 to {RetryPolicy.MaxRetriesLimit}.");
                }
            }
            else
            {
                errors.Add($"{retry.Path}:MaxRetries is required, from 0 to {RetryPolicy.MaxRetriesLimit}.");
            }

            if (ReadString(retry.GetSection("MaxInterval"), errors) is { } interval)
            {
                if (TimeSpan.TryParseExact(interval.Trim(), "c", CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.FromSeconds(1) && value <= RetryPolicy.MaxIntervalLimit)
                {
                    maxInterval = value;
                }
                else
                {
                    errors.Add($"{retry.Path}:MaxInterval '{interval}' must be a duration from 00:00:01 to 06:00:00.");
                }
            }

            definition.Retry = new RetryPolicy(maxRetries, maxInterval);
        }

        if (ReadString(section.GetSection("RealTime"), errors) is { } realTime)
        {
            if (bool.TryParse(realTime, out var value))
            {
                definition.RealTime = value;
            }
            else
            {
                errors.Add($"{section.Path}:RealTime '{realTime}' must be true or false.");
            }
        }

        if (ReadString(section.GetSection("MaxConcurrency"), errors) is { } concurrency)
        {
            if (int.TryParse(concurrency, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= 1024)
            {
                definition.MaxConcurrency = value;
            }
            else
            {
                errors.Add($"{section.Path}:MaxConcurrency '{concurrency}' must be a whole number from 1 to 1024.");
            }
        }
    }

    private static void ReadIdempotency(IConfigurationSection section, WebhookDefinition definition, ICollection<string> errors)
    {
        var source = ReadString(section.GetSection("IdempotencyKey"), errors);
        var windowText = ReadString(section.GetSection("IdempotencyWindow"), errors);
        TimeSpan? window = null;
        if (windowText is not null)
        {
            if (TimeSpan.TryParseExact(windowText.Trim(), "c", CultureInfo.InvariantCulture, out var value) && value >= TimeSpan.FromSeconds(1) && value <= IdempotencyKey.MaxWindow)
            {
                window = value;
            }
            else
            {
                errors.Add($"{section.Path}:IdempotencyWindow '{windowText}' must be a duration from 00:00:01 to 30.00:00:00, such as 1.00:00:00.");
                return;
            }

            if (source is null)
            {
                errors.Add($"{section.Path}:IdempotencyWindow is set without an IdempotencyKey.");
                return;
            }
        }

        if (source is null)
        {
            return;
        }

        try
        {
            definition.IdempotencyKey = IdempotencyKey.Parse(source, window);
        }
        catch (FormatException exception)
        {
            errors.Add($"{section.Path}:IdempotencyKey {exception.Message}");
        }
    }
}
