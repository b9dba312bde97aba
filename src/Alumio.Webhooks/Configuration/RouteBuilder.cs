using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
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
        return Add(Transformers.NameOf(transformer), _ => transformer);
    }

    /// <summary>Adds a code transformer; return the entity to go on or <see cref="EntityTransformResult.Skip"/>.</summary>
    /// <param name="transform">The transformation.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Transform(Func<JsonNode, EntityTransformResult> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        return Add("code", _ => new DelegateEntityTransformer(transform));
    }

    /// <summary>Adds a transformer of your own, created from the application's services.</summary>
    /// <typeparam name="TTransformer">The transformer type; its constructor parameters are resolved from DI.</typeparam>
    /// <returns>This builder.</returns>
    public RouteBuilder Transform<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTransformer>()
        where TTransformer : class, IEntityTransformer =>
        Add(typeof(TTransformer).Name, services => ActivatorUtilities.CreateInstance<TTransformer>(services));

    /// <summary>Sets a key to a value (the <c>value-setter</c> transformer).</summary>
    /// <param name="key">The pattern path to set, such as <c>status</c> or <c>customer.name</c>; missing objects on the way are created.</param>
    /// <param name="value">A literal, or a placeholder template such as <c>"shipped &amp;{orderId}"</c>; in objects and arrays, every string is a template.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder SetValue(string key, JsonNode? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var template = value?.DeepClone();
        return Add("value-setter", services => new ValueSetterTransformer(key, template, ConfigurationValues.Resolver(services)));
    }

    /// <summary>Replaces the value at a key by a dictionary lookup (the <c>value-mapper</c> transformer).</summary>
    /// <param name="key">The pattern path of the value.</param>
    /// <param name="map">From values to the values that replace them.</param>
    /// <param name="defaultValue">What a value without a mapping becomes; <see langword="null"/> to keep it as it is.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder MapValue(string key, IReadOnlyDictionary<string, string> map, string? defaultValue = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(map);
        return Add("value-mapper", _ => new ValueMapperTransformer(key, map, defaultValue));
    }

    /// <summary>Renames keys (the <c>key-mapper</c> transformer).</summary>
    /// <param name="map">From pattern paths to new key names, such as <c>trackingCode</c> to <c>tracking_code</c>.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder MapKeys(IReadOnlyDictionary<string, string> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Add("key-mapper", _ => new KeyMapperTransformer(map));
    }

    /// <summary>Copies values to other keys (the <c>copy</c> transformer).</summary>
    /// <param name="from">The pattern path of the values; its wildcard keys are captured.</param>
    /// <param name="to">The target path template; <c>$1</c>, <c>$2</c>, ... are the captures.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Copy(string from, string to) => Add("copy", services => new CopyTransformer(from, to, ConfigurationValues.Resolver(services)));

    /// <summary>Moves values to other keys (the <c>move</c> transformer).</summary>
    /// <param name="from">The pattern path of the values; its wildcard keys are captured.</param>
    /// <param name="to">The target path template; <c>$1</c>, <c>$2</c>, ... are the captures.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Move(string from, string to) => Add("move", services => new MoveTransformer(from, to, ConfigurationValues.Resolver(services)));

    /// <summary>Keeps only the keys matching the patterns (the <c>key-filter</c> transformer).</summary>
    /// <param name="patterns">The pattern paths to keep.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder KeepKeys(params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        string[] copy = [.. patterns];
        return Add("key-filter", _ => new KeyFilterTransformer(copy));
    }

    /// <summary>Removes the keys matching the patterns (the <c>value-remover</c> transformer).</summary>
    /// <param name="patterns">The pattern paths to remove.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder RemoveKeys(params string[] patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        string[] copy = [.. patterns];
        return Add("value-remover", _ => new ValueRemoverTransformer(copy));
    }

    /// <summary>Converts the value at a key to another type (the <c>type-setter</c> transformer).</summary>
    /// <param name="key">The pattern path of the value.</param>
    /// <param name="type">The type.</param>
    /// <param name="format">For dates: the format the text is written in; ISO 8601 and other invariant forms when <see langword="null"/>.</param>
    /// <param name="outputFormat">For dates: the format to write; ISO 8601 when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder SetType(string key, EntityValueType type, string? format = null, string? outputFormat = null) =>
        Add("type-setter", _ => new TypeSetterTransformer(key, type, format, outputFormat));

    /// <summary>Builds a new entity from a JSON template with placeholders (the <c>merger</c> transformer).</summary>
    /// <param name="template">The template, such as <c>{ "order": "&amp;{orderId}" }</c>.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Merge(JsonNode template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var copy = template.DeepClone();
        return Add("merger", services => new MergerTransformer(copy, ConfigurationValues.Resolver(services)));
    }

    /// <summary>Skips the task, with the condition as the reason, when an entity does not meet a condition (the <c>filter</c> transformer).</summary>
    /// <param name="condition">What an entity must meet to go on, such as <c>new EqualsCondition("type", "shipment")</c>.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Filter(IEntityCondition condition)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return Add("filter", _ => new FilterTransformer(condition));
    }

    /// <summary>Runs some transformers when a condition holds and others when it does not (the <c>conditional</c> transformer).</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="then">The transformers that run when it holds.</param>
    /// <param name="otherwise">The transformers that run when it does not; none when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder When(IEntityCondition condition, IEnumerable<IEntityTransformer> then, IEnumerable<IEntityTransformer>? otherwise = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(then);
        IEntityTransformer[] thenList = [.. then];
        IEntityTransformer[]? otherwiseList = otherwise is null ? null : [.. otherwise];
        return Add("conditional", _ => new ConditionalTransformer(condition, thenList, otherwiseList));
    }

    /// <summary>
    /// Splits the entity into several by a pattern (the <c>brancher</c> transformer): each branch becomes a task of its
    /// own, stored as the task that branched finishes, and the transformers added after it run on each branch task.
    /// </summary>
    /// <param name="pattern">The pattern of the branches, such as <c>lines</c>.</param>
    /// <returns>This builder.</returns>
    public RouteBuilder Branch(string pattern) => Add("brancher", _ => new BrancherTransformer(pattern));

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

    private RouteBuilder Add(string name, Func<IServiceProvider, IEntityTransformer> factory)
    {
        var location = $"route '{_definition.Name}' transformer {_definition.Transformers.Count} ({name})";
        _definition.Transformers.Add(Recipe.FromCode(location, factory));
        _definition.TransformerNames.Add(name);
        return this;
    }
}
