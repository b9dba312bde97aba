using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Support;

/// <summary>A route "r" whose Transformers come from configuration JSON, as a host's appsettings.json would give them.</summary>
public static class ConfiguredRoute
{
    public static ServiceProvider Build(string transformers, IDictionary<string, string?>? settings = null, Action<AlumioWebhooksBuilder>? configure = null)
    {
        var json = $$"""
            { "Alumio": {
                "Webhooks": { "w": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "o": { "Prototype": "http", "Url": "https://example.invalid/x" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "o", "Transformers": {{transformers}} } } } }
            """;
        var root = new ConfigurationBuilder()
            .AddConfiguration(ConfigurationJsonFile.Root(json))
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(root);
        var webhooks = services.AddAlumioWebhooks(root.GetSection("Alumio"));
        configure?.Invoke(webhooks);
        return services.BuildServiceProvider();
    }

    public static async Task<RouteDryRunResult> DryRunAsync(string transformers, string entity, IDictionary<string, string?>? settings = null)
    {
        using var services = Build(transformers, settings);
        return await services.GetRequiredService<RouteDryRun>().RunAsync("r", Entities.Parse(entity), CancellationToken.None);
    }

    public static IReadOnlyList<string> Errors(string transformers)
    {
        using var services = Build(transformers);
        var act = () => services.GetRequiredService<WebhookModel>();
        return act.Should().Throw<AlumioConfigurationException>().Which.Errors;
    }
}
