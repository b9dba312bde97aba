using Alumio.Webhooks.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Processing;

/// <summary>Runs the <see cref="WebhookTaskProcessor"/> in the background while the host runs.</summary>
internal sealed class TaskProcessorService(
    WebhookTaskProcessor processor,
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
