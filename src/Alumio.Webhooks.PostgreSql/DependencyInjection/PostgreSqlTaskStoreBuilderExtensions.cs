using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.PostgreSql;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Puts Alumio.Webhooks' tasks in PostgreSQL.</summary>
public static class PostgreSqlTaskStoreBuilderExtensions
{
    /// <summary>
    /// Stores tasks in PostgreSQL instead of memory, so that every instance of the application that uses the same database
    /// and schema shares one queue. Replaces the registered <see cref="ITaskStore"/>, prepares the schema at start-up and,
    /// unless turned off, listens for tasks other instances store. Calling it again replaces the earlier settings.
    /// </summary>
    /// <param name="builder">The builder from <c>AddAlumioWebhooks</c>.</param>
    /// <param name="connectionString">The Npgsql connection string; never logged. Unless it sets <c>Max Auto Prepare</c>, the store sets it to 32 (prepared statements).</param>
    /// <param name="configure">Changes the schema, start-up and listening settings.</param>
    /// <returns>The builder.</returns>
    public static AlumioWebhooksBuilder UsePostgreSqlTaskStore(this AlumioWebhooksBuilder builder, string connectionString, Action<PostgreSqlTaskStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlTaskStoreOptions();
        configure?.Invoke(options);
        options.Validate();

        var services = builder.Services;
        services.RemoveAll<PostgreSqlTaskStore>();
        services.AddSingleton(provider => new PostgreSqlTaskStore(
            connectionString,
            provider.GetRequiredService<TimeProvider>(),
            options,
            provider.GetService<ILogger<PostgreSqlTaskStore>>()));
        services.RemoveAll<ITaskStore>();
        services.AddSingleton<ITaskStore>(provider => provider.GetRequiredService<PostgreSqlTaskStore>());

        // First among the hosted services, so that the schema is ready (or its problem reported) before the processor starts.
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(PostgreSqlTaskStoreService)))
        {
            services.AddSingleton(CreateService);
            services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(provider => provider.GetRequiredService<PostgreSqlTaskStoreService>()));
        }

        return builder;
    }

    private static PostgreSqlTaskStoreService CreateService(IServiceProvider provider) => new(
        provider.GetRequiredService<PostgreSqlTaskStore>(),
        provider.GetRequiredService<TaskSignal>(),
        provider.GetRequiredService<TimeProvider>(),
        provider.GetRequiredService<ILogger<PostgreSqlTaskStoreService>>());
}
