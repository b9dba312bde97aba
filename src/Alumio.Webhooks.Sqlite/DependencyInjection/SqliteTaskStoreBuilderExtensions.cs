using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Sqlite;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores tasks in SQLite.</summary>
public static class SqliteTaskStoreBuilderExtensions
{
    /// <summary>
    /// Stores tasks in a SQLite database file instead of in memory: the durable default for a single application
    /// instance. Replaces any <see cref="ITaskStore"/> registered before; the store takes its clock from the
    /// <see cref="TimeProvider"/> service and opens the file when the host starts, so a missing file or schema stops
    /// start-up. Calling it again replaces the earlier registration.
    /// </summary>
    /// <param name="builder">The Alumio.Webhooks builder.</param>
    /// <param name="connectionString">A Microsoft.Data.Sqlite connection string naming a file, such as <c>Data Source=alumio-tasks.db</c>.</param>
    /// <param name="configure">Changes the store's settings, or <see langword="null"/> for the defaults.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException">The connection string is invalid, names an in-memory database, or asks for read-only mode or a shared cache.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public static AlumioWebhooksBuilder UseSqliteTaskStore(this AlumioWebhooksBuilder builder, string connectionString, Action<SqliteTaskStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new SqliteTaskStoreOptions();
        configure?.Invoke(options);
        options.Validate();
        SqliteTaskStore.ParseConnectionString(connectionString);

        builder.Services.RemoveAll<ITaskStore>();
        builder.Services.AddSingleton<ITaskStore>(provider => new SqliteTaskStore(
            connectionString,
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SqliteTaskStore>>()));
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteTaskStoreStartup>());
        return builder;
    }
}
