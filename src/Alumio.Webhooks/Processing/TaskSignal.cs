using System.Threading.Channels;

namespace Alumio.Webhooks.Processing;

/// <summary>
/// Wakes the task processor of this host when tasks may be due: the receiver notifies it after each commit, and a store
/// shared by several hosts (PostgreSQL's <c>LISTEN</c>) notifies it when another host stored tasks.
/// </summary>
public sealed class TaskSignal
{
    private readonly Channel<bool> _channel = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    /// <summary>Wakes the processor if it is waiting, or makes its next wait return at once. Cheap and safe to call often.</summary>
    public void Notify() => _channel.Writer.TryWrite(true);

    /// <summary>Waits until notified or until the timeout passes.</summary>
    internal async ValueTask WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (_channel.Reader.TryRead(out _))
        {
            return;
        }

        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            await _channel.Reader.WaitToReadAsync(linked.Token).ConfigureAwait(false);
            _channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
        }
    }
}
