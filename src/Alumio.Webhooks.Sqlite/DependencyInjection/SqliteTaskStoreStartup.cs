using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alumio.Webhooks.Sqlite;

/// <summary>Opens the task store when the host starts, so a missing file or schema stops start-up instead of the first request.</summary>
internal sealed class SqliteTaskStoreStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ITaskStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
