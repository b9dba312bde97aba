using Alumio.Webhooks.Diagnostics;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Processing;

/// <summary>
/// Runs the <see cref="WebhookTaskProcessor"/> in the background: batch after batch while tasks are due, then waits
/// for new tasks or the poll interval; prunes old finished tasks now and then. On shutdown it stops leasing, gives
/// back leased tasks it has not started, and lets deliveries in flight finish.
/// </summary>
internal sealed class TaskProcessorService(
    IServiceProvider services,
    TaskSignal signal,
    TimeProvider timeProvider,
    IOptionsMonitor<TaskProcessorOptions> options,
    ILogger<TaskProcessorService> logger) : BackgroundService
{
    private DateTimeOffset _nextPrune = DateTimeOffset.MinValue;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<ITaskStore>() is InMemoryTaskStore)
        {
            Log.InMemoryStore(logger);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var current = options.CurrentValue;
        if (!current.Enabled)
        {
            return;
        }

        var processor = services.GetRequiredService<WebhookTaskProcessor>();
        var store = services.GetRequiredService<ITaskStore>();
        Log.ProcessorStarted(logger, current.BatchSize, current.MaxConcurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PruneIfDueAsync(store, stoppingToken).ConfigureAwait(false);
                if (await processor.ProcessBatchAsync(stoppingToken).ConfigureAwait(false) > 0)
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.ProcessorError(logger, exception);
            }

            try
            {
                await signal.WaitAsync(options.CurrentValue.PollInterval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async ValueTask PruneIfDueAsync(ITaskStore store, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        var now = timeProvider.GetUtcNow();
        if (settings.Retention is not { } retention || now < _nextPrune)
        {
            return;
        }

        _nextPrune = now + settings.PruneInterval;
        var cut = now - retention;
        var pruned = await store.PruneAsync(cut, cancellationToken).ConfigureAwait(false);
        if (pruned > 0)
        {
            Log.TasksPruned(logger, pruned, cut);
        }
    }
}
