using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Support;

/// <summary>Runs transformers on JSON text and compares JSON by value.</summary>
public static class Entities
{
    public static TaskContext Context { get; } = new(
        new WebhookTask(Guid.Empty, "request", "webhook", "route", "{}"u8.ToArray(), WebhookTaskStatus.Processing, 0, null, default, default),
        new ServiceCollection().BuildServiceProvider());

    public static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    public static async Task<EntityTransformResult> ResultAsync(this IEntityTransformer transformer, string json) =>
        await transformer.TransformAsync(Parse(json), Context, CancellationToken.None);

    /// <summary>Runs a transformer that must go on, and gives its entity as compact JSON, escaped only where JSON needs it.</summary>
    public static async Task<string> RunAsync(this IEntityTransformer transformer, string json)
    {
        var result = await transformer.ResultAsync(json);
        result.IsSkipped.Should().BeFalse(result.SkipReason);
        return JsonText.Write(result.Entity);
    }

    /// <summary>Asserts JSON equality by value: key order does not count (configuration sorts keys).</summary>
    public static void ShouldBeJson(this JsonNode? actual, string expected) =>
        JsonNode.DeepEquals(actual, JsonNode.Parse(expected)).Should().BeTrue($"{actual?.ToJsonString() ?? "null"} should equal {expected}");
}
