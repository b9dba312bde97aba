using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// The configuration prototypes of the built-in transformers and conditions. Every setting is checked on its own, so
/// all bad ones are reported together, each with its configuration path (which names the route and the position).
/// </summary>
internal static class TransformerPrototypes
{
    public static IEntityTransformer CreateValueSetter(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        var value = ReadJson(context, "Value");
        var resolve = ConfigurationValues.Resolver(context.Services);
        CheckTemplate(context, "Value", value, resolve);
        return Build(context, () => new ValueSetterTransformer(key, value, resolve));
    }

    public static IEntityTransformer CreateValueMapper(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        var map = ReadMap(context, "Map");
        var defaultValue = context.GetString("Default");
        return Build(context, () => new ValueMapperTransformer(key, map, defaultValue));
    }

    public static IEntityTransformer CreateKeyMapper(PrototypeContext context)
    {
        var map = ReadMap(context, "Map");
        foreach (var from in map.Keys)
        {
            CheckPath(context, $"Map:{from}", from, "its key");
        }

        return Build(context, () => new KeyMapperTransformer(map));
    }

    public static IEntityTransformer CreateCopy(PrototypeContext context) =>
        ReadCopy(context, (from, to) => new CopyTransformer(from, to, ConfigurationValues.Resolver(context.Services)));

    public static IEntityTransformer CreateMove(PrototypeContext context) =>
        ReadCopy(context, (from, to) => new MoveTransformer(from, to, ConfigurationValues.Resolver(context.Services)));

    public static IEntityTransformer CreateKeyFilter(PrototypeContext context)
    {
        var keys = ReadPaths(context, "Keys");
        return Build(context, () => new KeyFilterTransformer(keys));
    }

    public static IEntityTransformer CreateValueRemover(PrototypeContext context)
    {
        var keys = ReadPaths(context, "Keys");
        return Build(context, () => new ValueRemoverTransformer(keys));
    }

    public static IEntityTransformer CreateTypeSetter(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        var text = context.GetRequiredString("Type");
        var type = EntityValueType.String;
        if (text.Length > 0 && !TryParseType(text, out type))
        {
            context.AddError("Type", $"'{text}' is not one of int, float, bool, string, date");
        }

        var format = context.GetString("Format");
        var outputFormat = context.GetString("OutputFormat");
        if (type != EntityValueType.Date)
        {
            if (format is not null)
            {
                context.AddError("Format", "applies to Type date only");
            }

            if (outputFormat is not null)
            {
                context.AddError("OutputFormat", "applies to Type date only");
            }
        }

        if (format is { Length: 0 })
        {
            context.AddError("Format", "may not be empty");
        }

        if (outputFormat is { Length: 0 })
        {
            context.AddError("OutputFormat", "may not be empty");
        }
        else if (outputFormat is not null && type == EntityValueType.Date)
        {
            try
            {
                _ = DateTimeOffset.UnixEpoch.ToString(outputFormat, CultureInfo.InvariantCulture);
            }
            catch (FormatException)
            {
                context.AddError("OutputFormat", $"'{outputFormat}' is not a valid .NET date format");
            }
        }

        return Build(context, () => new TypeSetterTransformer(key, type, format, outputFormat));
    }

    public static IEntityTransformer CreateMerger(PrototypeContext context)
    {
        var template = ReadJson(context, "Template");
        var resolve = ConfigurationValues.Resolver(context.Services);
        CheckTemplate(context, "Template", template, resolve);
        if (template is null && !context.HasErrors)
        {
            context.AddError("Template", "is required: the JSON of the new entity, with placeholders");
        }

        return Build(context, () => new MergerTransformer(template!, resolve));
    }

    public static IEntityTransformer CreateConditional(PrototypeContext context)
    {
        var condition = ReadCondition(context, "Condition");
        var then = ReadTransformers(context, "Then");
        var otherwise = ReadTransformers(context, "Else");
        if (!context.GetSection("Then").Exists() && !context.GetSection("Else").Exists())
        {
            context.AddError("Then", "or Else is required: a list of transformers");
        }

        return Build(context, () => new ConditionalTransformer(condition!, then, otherwise));
    }

    public static IEntityTransformer CreateFilter(PrototypeContext context)
    {
        var condition = ReadCondition(context, "Condition");
        return Build(context, () => new FilterTransformer(condition!));
    }

    public static IEntityTransformer CreateBrancher(PrototypeContext context)
    {
        var pattern = ReadPath(context, "Pattern");
        return Build(context, () => new BrancherTransformer(pattern));
    }

    public static IEntityTransformer CreateChain(PrototypeContext context)
    {
        var transformers = ReadTransformers(context, "Transformers");
        if (transformers.Length == 0 && !context.HasErrors)
        {
            context.AddError("Transformers", "is required: a list of at least one transformer");
        }

        return Build(context, () => new ChainTransformer(transformers));
    }

    public static IEntityCondition CreateEquals(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        var value = ReadJson(context, "Value");
        var resolve = ConfigurationValues.Resolver(context.Services);
        CheckTemplate(context, "Value", value, resolve, captures: false);
        return Build(context, () => new EqualsCondition(key, value, resolve));
    }

    public static IEntityCondition CreateOneOf(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        var values = context.GetStrings("Values");
        if (values.Count == 0)
        {
            context.AddError("Values", "is required: a list of at least one value");
        }

        return Build(context, () => new OneOfCondition(key, values));
    }

    public static IEntityCondition CreateExists(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        return Build(context, () => new ExistsCondition(key));
    }

    public static IEntityCondition CreateMatches(PrototypeContext context)
    {
        var key = ReadPath(context, "Key");
        var pattern = context.GetRequiredString("Pattern");
        Regex? regex = null;
        if (pattern.Length > 0)
        {
            try
            {
                regex = HeaderRequestValidator.CreatePattern(pattern);
            }
            catch (ArgumentException exception)
            {
                context.AddError("Pattern", Sentence(Lower(exception.Message.Replace("The pattern ", string.Empty, StringComparison.Ordinal).Split(" (Parameter", 2)[0])));
            }
        }

        return Build(context, () => new MatchesCondition(key, regex!));
    }

    public static IEntityCondition CreateAnd(PrototypeContext context)
    {
        var conditions = ReadConditions(context, "Conditions");
        return Build(context, () => new AndCondition(conditions));
    }

    public static IEntityCondition CreateOr(PrototypeContext context)
    {
        var conditions = ReadConditions(context, "Conditions");
        return Build(context, () => new OrCondition(conditions));
    }

    public static IEntityCondition CreateNot(PrototypeContext context)
    {
        var condition = ReadCondition(context, "Condition");
        return Build(context, () => new NotCondition(condition!));
    }

    internal static bool TryParseType(string text, out EntityValueType type)
    {
        type = text.Trim().ToUpperInvariant() switch
        {
            "INT" or "INTEGER" => EntityValueType.Int,
            "FLOAT" or "NUMBER" or "DECIMAL" => EntityValueType.Float,
            "BOOL" or "BOOLEAN" => EntityValueType.Bool,
            "STRING" => EntityValueType.String,
            "DATE" or "DATETIME" => EntityValueType.Date,
            _ => (EntityValueType)(-1),
        };
        return Enum.IsDefined(type);
    }

    private static IEntityTransformer ReadCopy(PrototypeContext context, Func<string, string, IEntityTransformer> create)
    {
        var from = ReadPath(context, "From");
        var to = context.GetRequiredString("To");
        if (from.Length > 0 && to.Length > 0 && !context.HasErrors)
        {
            try
            {
                return create(from, to);
            }
            catch (FormatException exception)
            {
                context.AddError("To", "is invalid: " + Sentence(exception.Message));
            }
        }

        return null!;
    }

    /// <summary>Builds the component once its settings were read; with any recorded error there is nothing to build.</summary>
    private static T Build<T>(PrototypeContext context, Func<T> create)
        where T : class => context.HasErrors ? null! : create();

    private static string ReadPath(PrototypeContext context, string key)
    {
        var path = context.GetRequiredString(key);
        return path.Length > 0 && CheckPath(context, key, path, "it") ? path : string.Empty;
    }

    private static bool CheckPath(PrototypeContext context, string key, string path, string what)
    {
        try
        {
            PathSyntax.Parse(path);
            return true;
        }
        catch (FormatException exception)
        {
            context.AddError(key, $"is not a valid pattern path ({what}): {Sentence(exception.Message)}");
            return false;
        }
    }

    private static List<string> ReadPaths(PrototypeContext context, string key)
    {
        var paths = context.GetStrings(key);
        if (paths.Count == 0)
        {
            context.AddError(key, "is required: a list of at least one pattern path");
        }

        for (var i = 0; i < paths.Count; i++)
        {
            CheckPath(context, paths.Count == 1 && context.GetString(key) is not null ? key : $"{key}:{i}", paths[i], "it");
        }

        return [.. paths];
    }

    private static JsonNode? ReadJson(PrototypeContext context, string key)
    {
        var section = context.GetSection(key);
        if (!section.Exists())
        {
            context.AddError(key, "is required");
            return null;
        }

        return ConfigurationJson.ToNode(section);
    }

    private static void CheckTemplate(PrototypeContext context, string key, JsonNode? template, ConfigurationValues.Resolve resolve, bool captures = true)
    {
        try
        {
            JsonTemplate.Parse(template, resolve, captures);
        }
        catch (FormatException exception)
        {
            context.AddError(key, "is invalid: " + Sentence(exception.Message));
        }
    }

    private static Dictionary<string, string> ReadMap(PrototypeContext context, string key)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var section = context.GetSection(key);
        if (section.Value is not null)
        {
            context.AddError(key, "must be an object of from/to pairs, such as { \"PostNL\": \"PNL\" }");
            return map;
        }

        foreach (var entry in section.GetChildren())
        {
            if (entry.Value is null)
            {
                context.AddError($"{key}:{entry.Key}", "must be a single value");
            }
            else
            {
                map[entry.Key] = entry.Value;
            }
        }

        if (map.Count == 0 && !context.HasErrors)
        {
            context.AddError(key, "is required: an object of from/to pairs, such as { \"PostNL\": \"PNL\" }");
        }

        return map;
    }

    private static IEntityCondition? ReadCondition(PrototypeContext context, string key)
    {
        var section = context.GetSection(key);
        if (!section.Exists())
        {
            context.AddError(key, "is required: a condition such as { \"Prototype\": \"equals\", \"Key\": \"type\", \"Value\": \"shipment\" }");
            return null;
        }

        return ReadComponent(context, section, "condition", Registry(context).ConditionPrototypes);
    }

    private static List<IEntityCondition> ReadConditions(PrototypeContext context, string key)
    {
        var conditions = new List<IEntityCondition>();
        var items = ReadList(context, key);
        if (items is not null && items.Count == 0)
        {
            context.AddError(key, "is required: a list of at least one condition");
        }

        foreach (var item in items ?? [])
        {
            if (ReadComponent(context, item, "condition", Registry(context).ConditionPrototypes) is { } condition)
            {
                conditions.Add(condition);
            }
        }

        return conditions;
    }

    private static IEntityTransformer[] ReadTransformers(PrototypeContext context, string key)
    {
        var transformers = new List<IEntityTransformer>();
        foreach (var item in ReadList(context, key) ?? [])
        {
            var transformer = ReadComponent(context, item, "transformer", Registry(context).TransformerPrototypes);
            if (transformer is BrancherTransformer)
            {
                context.AddError($"{key}:{item.Key}", "is a brancher, which is allowed only directly in a route's Transformers, not inside a chain or conditional");
            }
            else if (transformer is not null)
            {
                transformers.Add(transformer);
            }
        }

        return [.. transformers];
    }

    /// <summary>The items of a list setting in order; <see langword="null"/> (with an error) when it is not a list.</summary>
    private static List<IConfigurationSection>? ReadList(PrototypeContext context, string key)
    {
        var section = context.GetSection(key);
        var items = section.GetChildren().ToList();
        if ((section.Value is { Length: > 0 }) || items.Exists(item => !int.TryParse(item.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            context.AddError(key, "must be a list ([ ... ])");
            return null;
        }

        return [.. items.OrderBy(item => int.Parse(item.Key, CultureInfo.InvariantCulture))];
    }

    private static T? ReadComponent<T>(PrototypeContext context, IConfigurationSection section, string kind, IReadOnlyDictionary<string, Func<PrototypeContext, T>> prototypes)
        where T : class
    {
        var errors = new List<string>();
        var component = Recipe.FromPrototype(section, kind, prototypes)(context.Services, errors);
        context.AddNestedErrors(errors);
        return component;
    }

    private static AlumioWebhooksSetup Registry(PrototypeContext context) =>
        context.Services.GetRequiredService<IOptions<AlumioWebhooksSetup>>().Value;

    /// <summary>An exception's message as the end of a setting's error, which adds its own full stop.</summary>
    private static string Sentence(string message) => message.TrimEnd('.');

    private static string Lower(string message) => message.Length == 0 ? message : char.ToLowerInvariant(message[0]) + message[1..];
}
