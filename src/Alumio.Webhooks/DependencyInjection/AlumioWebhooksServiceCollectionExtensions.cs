using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Diagnostics;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Alumio.Webhooks in a service collection.</summary>
public static class AlumioWebhooksServiceCollectionExtensions
{
    /// <summary>
    /// Registers the webhook pipeline, the in-memory task store and the background task processor.
    /// Calling it again adds nothing twice; every service is registered so a host can replace it.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <returns>A builder to declare webhooks, incomings, outgoings, routes and prototypes.</returns>
    public static AlumioWebhooksBuilder AddAlumioWebhooks(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(AlumioWebhooksMarker)))
        {
            services.AddSingleton<AlumioWebhooksMarker>();
            services.Configure<AlumioWebhooksSetup>(BuiltInPrototypes.Register);
            services.AddOptions();
            services.AddLogging();
            services.AddHttpClient();
            services.AddMetrics();
        }

        services.TryAddSingleton<WebhookDiagnostics>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => WebhookModelFactory.Build(provider.GetRequiredService<IOptions<AlumioWebhooksSetup>>().Value, provider));
        services.TryAddSingleton<ITaskStore>(provider => new InMemoryTaskStore(provider.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<TaskSignal>();
        services.TryAddSingleton(provider => new WebhookReceiver(
            provider.GetRequiredService<WebhookModel>(),
            provider.GetRequiredService<ITaskStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<TaskSignal>(),
            provider.GetRequiredService<WebhookDiagnostics>(),
            provider.GetRequiredService<WebhookTaskProcessor>(),
            provider.GetRequiredService<ILogger<WebhookReceiver>>()));
        services.TryAddSingleton(provider => new WebhookTaskProcessor(
            provider.GetRequiredService<WebhookDiagnostics>(),
            provider.GetRequiredService<WebhookModel>(),
            provider.GetRequiredService<ITaskStore>(),
            provider.GetRequiredService<TimeProvider>(),
            provider,
            provider.GetRequiredService<IOptionsMonitor<TaskProcessorOptions>>(),
            provider.GetRequiredService<ILogger<WebhookTaskProcessor>>()));
        services.TryAddSingleton(provider => new RouteDryRun(
            provider.GetRequiredService<WebhookModel>(),
            provider,
            provider.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StartupValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TaskProcessorService>());
        return new AlumioWebhooksBuilder(services);
    }

    /// <summary>Registers the webhook pipeline and declares webhooks and the rest in code.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Declares webhooks, incomings, outgoings and routes.</param>
    /// <returns>A builder for further declarations.</returns>
    public static AlumioWebhooksBuilder AddAlumioWebhooks(this IServiceCollection services, Action<AlumioWebhooksBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = services.AddAlumioWebhooks();
        configure(builder);
        return builder;
    }

    /// <summary>Registers the webhook pipeline and reads webhooks and the rest from configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The <c>Alumio</c> section, with the keys <c>Webhooks</c>, <c>Incoming</c>, <c>Outgoing</c> and <c>Routes</c>.</param>
    /// <returns>A builder for further declarations, such as custom prototypes.</returns>
    public static AlumioWebhooksBuilder AddAlumioWebhooks(this IServiceCollection services, IConfiguration configuration) =>
        services.AddAlumioWebhooks().AddConfiguration(configuration);

    private sealed class AlumioWebhooksMarker;
}
