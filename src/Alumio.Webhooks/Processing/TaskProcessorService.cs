using Alumio.Webhooks.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Processing;

/// <summary>Runs the <see cref="WebhookTaskProcessor"/> in the background while the host runs.</summary>
/// <remarks>
/// The processor is resolved when the service runs, not when it is created, so that a bad
/// configuration is reported whole by the start-up validation that runs before it.
/// </remarks>
internal sealed class TaskProcessorService(
    IServiceProvider services,
    TaskSignal signal,
    TimeProvider timeProvider,
    IOptionsMonitor<TaskProcessorOptions> options,
    ILogger<TaskProcessorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var current = options.CurrentValue;
        if (!current.Enabled)
        {
            return;
        }

        var processor = services.GetRequiredService<WebhookTaskProcessor>();
        Log.ProcessorStarted(logger, current.BatchSize, current.MaxConcurrency);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
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
}
