using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Runs a synchronous reader (such as <see cref="System.Xml.XmlReader"/>, whose synchronous path is several
/// times faster than its asynchronous one) over a body that arrives asynchronously, without ever
/// blocking on the request stream. A body that fits in <c>threshold</c> bytes is read first and parsed
/// from memory; a larger one is fed through a pipe to a dedicated thread, whose items come back
/// through a bounded channel, so memory stays flat however large the body is.
/// </summary>
internal static class SyncReadPump
{
    public const int DefaultThreshold = 1024 * 1024;

    private const int BatchSize = 128;

    public static async IAsyncEnumerable<T> RunAsync<T>(Stream body, Action<Stream, Action<T>> produce, [EnumeratorCancellation] CancellationToken cancellationToken, int threshold = DefaultThreshold)
    {
        var (prefix, filled) = await ReadPrefixAsync(body, threshold, cancellationToken).ConfigureAwait(false);
        if (filled < threshold)
        {
            var items = new List<T>();
            try
            {
                produce(new MemoryStream(prefix, 0, filled, writable: false), items.Add);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(prefix);
            }

            foreach (var item in items)
            {
                yield return item;
            }

            yield break;
        }

        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: threshold, resumeWriterThreshold: threshold / 2, useSynchronizationContext: false));
        // Items cross threads in batches: one hand-over per batch, not per item.
        var channel = Channel.CreateBounded<List<T>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;

        var feeder = FeedAsync(pipe.Writer, prefix, filled, body, stop.Token);
        var worker = Task.Factory.StartNew(
            () =>
            {
                var batch = new List<T>(BatchSize);
                void Send()
                {
                    if (!channel.Writer.TryWrite(batch))
                    {
                        channel.Writer.WriteAsync(batch, stop.Token).AsTask().GetAwaiter().GetResult();
                    }

                    batch = new List<T>(BatchSize);
                }

                try
                {
                    using var stream = pipe.Reader.AsStream(leaveOpen: true);
                    produce(stream, item =>
                    {
                        batch.Add(item);
                        if (batch.Count == BatchSize)
                        {
                            Send();
                        }
                    });

                    if (batch.Count > 0)
                    {
                        Send();
                    }
                }
                catch (Exception exception)
                {
                    failure = ExceptionDispatchInfo.Capture(exception);
                }
                finally
                {
                    pipe.Reader.Complete();
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var items))
                {
                    foreach (var item in items)
                    {
                        yield return item;
                    }
                }
            }

            await worker.ConfigureAwait(false);
            failure?.Throw();
        }
        finally
        {
            // Stops both sides when the caller stops early or fails: the feeder is cancelled, and the
            // worker sees the end of the pipe or a cancelled channel write.
            await stop.CancelAsync().ConfigureAwait(false);
            pipe.Reader.CancelPendingRead();
            await Task.WhenAll(feeder, worker).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>Reads up to the threshold into a pooled buffer that grows as needed: most webhook bodies are small.</summary>
    private static async Task<(byte[] Buffer, int Length)> ReadPrefixAsync(Stream body, int threshold, CancellationToken cancellationToken)
    {
        var prefix = ArrayPool<byte>.Shared.Rent(Math.Min(threshold, 16 * 1024));
        var filled = 0;
        try
        {
            while (filled < threshold)
            {
                if (filled == prefix.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(Math.Min(threshold, prefix.Length * 2));
                    prefix.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(prefix);
                    prefix = larger;
                }

                var read = await body.ReadAsync(prefix.AsMemory(filled, Math.Min(prefix.Length, threshold) - filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return (prefix, filled);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(prefix);
            throw;
        }
    }

    private static async Task FeedAsync(PipeWriter writer, byte[] prefix, int length, Stream body, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(prefix.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
            ArrayPool<byte>.Shared.Return(prefix);
            await body.CopyToAsync(writer, cancellationToken).ConfigureAwait(false);
            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            await writer.CompleteAsync(exception).ConfigureAwait(false);
        }
    }
}
