using Alumio.Webhooks.PostgreSql.Diagnostics;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>
/// Prepares the store's schema at start-up (so a missing or outdated schema stops the host with a clear error), then,
/// unless <see cref="PostgreSqlTaskStoreOptions.Listen"/> is off, listens for tasks committed by other instances and wakes
/// this host's processor through <see cref="TaskSignal"/>. A lost connection is opened again after a pause that doubles
/// from 1 second up to 30 seconds; the processor polls meanwhile, and is woken once listening resumes, in case a
/// notification was missed.
/// </summary>
internal sealed class PostgreSqlTaskStoreService(PostgreSqlTaskStore store, TaskSignal signal, TimeProvider timeProvider, ILogger<PostgreSqlTaskStoreService> logger) : BackgroundService
{
    internal static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);
    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!store.Options.Listen)
        {
            return;
        }

        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await store.ListenAsync(
                    signal.Notify,
                    () =>
                    {
                        delay = FirstRetryDelay;
                        Log.Listening(logger, store.Schema.Channel);
                        signal.Notify();
                    },
                    stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                Log.ListenFailed(logger, store.Schema.Channel, delay, exception);
            }

            try
            {
                await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
        }
    }
}
