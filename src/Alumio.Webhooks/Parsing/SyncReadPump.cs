using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Runs a synchronous reader (such as <see cref="System.Xml.XmlReader"/>, whose synchronous path is several
/// times faster than its asynchronous one) over a body that arrives asynchronously, without ever
/// blocking on the request stream. A body that fits in <c>threshold</c> bytes is read first and parsed
/// from memory; a larger one is fed in large chunks through a small bounded queue to a dedicated
/// thread, whose items come back in batches (of at most 1,024 items or about 256 KiB) through another,
/// so memory stays flat however large the body is and the threads meet only a few times per megabyte.
/// </summary>
internal static class SyncReadPump
{
    public const int DefaultThreshold = 1024 * 1024;

    private const int BatchSize = 1024;

    private const int BatchBytes = 256 * 1024;

    private const int ChunkSize = 256 * 1024;

    private const int ChunkCount = 4;

    public static async IAsyncEnumerable<ParsedItem> RunAsync(Stream body, Func<Stream, CancellationToken, IEnumerator<ParsedItem>> open, [EnumeratorCancellation] CancellationToken cancellationToken, int threshold = DefaultThreshold)
    {
        var (prefix, filled) = await ReadPrefixAsync(body, threshold, cancellationToken).ConfigureAwait(false);
        if (filled < threshold)
        {
            // In memory already, so read on the calling thread, item by item as the caller asks.
            try
            {
                using var items = open(new MemoryStream(prefix, 0, filled, writable: false), cancellationToken);
                while (items.MoveNext())
                {
                    yield return items.Current;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(prefix);
            }

            yield break;
        }

        // The body crosses to the worker in large pooled chunks through a small bounded queue: a few hand-overs
        // per megabyte, and never more than ChunkCount chunks in memory.
        var chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(ChunkCount) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });

        // Items cross back in batches: one hand-over per batch, not per item.
        var channel = Channel.CreateBounded<List<ParsedItem>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ExceptionDispatchInfo? failure = null;

        // Spent chunks come back to the feeder to be filled again, and go back to the pool only from here at the end:
        // the worker thread ends with the read, and what it returned to the pool would stay in its thread's cache.
        var spent = new ConcurrentQueue<byte[]>();
        var feeder = FeedAsync(chunks.Writer, spent, prefix, filled, body, stop.Token);
        var worker = Task.Factory.StartNew(
            () =>
            {
                var batch = new List<ParsedItem>(BatchSize);
                var batchBytes = 0;
                void Send()
                {
                    if (!channel.Writer.TryWrite(batch))
                    {
                        channel.Writer.WriteAsync(batch, stop.Token).AsTask().GetAwaiter().GetResult();
                    }

                    batch = new List<ParsedItem>(BatchSize);
                    batchBytes = 0;
                }

                using var stream = new ChunkStream(chunks.Reader, spent, stop.Token);
                try
                {
                    // The worker stops with the read: at the caller's cancellation, and when the caller stops early.
                    using var items = open(stream, stop.Token);
                    while (items.MoveNext())
                    {
                        var item = items.Current;
                        batch.Add(item);
                        batchBytes += item.Utf8.Length;
                        if (batch.Count == BatchSize || batchBytes >= BatchBytes)
                        {
                            Send();
                        }
                    }

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
            // worker sees a cancelled wait for the next chunk or for room in the item queue.
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(feeder, worker).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            while (chunks.Reader.TryRead(out var left))
            {
                ArrayPool<byte>.Shared.Return(left.Buffer);
            }

            while (spent.TryDequeue(out var buffer))
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
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

    private static async Task FeedAsync(ChannelWriter<Chunk> chunks, ConcurrentQueue<byte[]> spent, byte[] prefix, int length, Stream body, CancellationToken cancellationToken)
    {
        byte[]? buffer = null;
        try
        {
            await chunks.WriteAsync(new Chunk(prefix, length), cancellationToken).ConfigureAwait(false);
            while (true)
            {
                // Each chunk is filled before it is handed over, however the body arrives.
                buffer = spent.TryDequeue(out var again) ? again : ArrayPool<byte>.Shared.Rent(ChunkSize);
                var filled = 0;
                int read;
                while (filled < ChunkSize && (read = await body.ReadAsync(buffer.AsMemory(filled, ChunkSize - filled), cancellationToken).ConfigureAwait(false)) > 0)
                {
                    filled += read;
                }

                if (filled == 0)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = null;
                    chunks.TryComplete();
                    return;
                }

                await chunks.WriteAsync(new Chunk(buffer, filled), cancellationToken).ConfigureAwait(false);
                buffer = null;
                if (filled < ChunkSize)
                {
                    chunks.TryComplete();
                    return;
                }
            }
        }
        catch (Exception exception)
        {
            if (buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            chunks.TryComplete(exception);
        }
    }

    private readonly record struct Chunk(byte[] Buffer, int Length);

    /// <summary>The worker's side of the chunk queue, as the synchronous stream the reader wants; it blocks only its own dedicated thread.</summary>
    private sealed class ChunkStream(ChannelReader<Chunk> chunks, ConcurrentQueue<byte[]> spent, CancellationToken cancellationToken) : ReadOnlyStream
    {
        private Chunk _current = new([], 0);
        private int _offset;
        private bool _ended;

        public override int Read(Span<byte> buffer)
        {
            while (_offset == _current.Length)
            {
                if (_ended || !Next())
                {
                    return 0;
                }
            }

            var count = Math.Min(buffer.Length, _current.Length - _offset);
            _current.Buffer.AsSpan(_offset, count).CopyTo(buffer);
            _offset += count;
            return count;
        }

        protected override void Dispose(bool disposing)
        {
            Release();
            base.Dispose(disposing);
        }

        private bool Next()
        {
            Release();
            Chunk next;
            while (!chunks.TryRead(out next))
            {
                // Blocks this dedicated thread only; a failed body read or a cancellation surfaces here.
                if (!chunks.WaitToReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult())
                {
                    _ended = true;
                    chunks.Completion.GetAwaiter().GetResult();
                    return false;
                }
            }

            _current = next;
            _offset = 0;
            return true;
        }

        private void Release()
        {
            if (_current.Buffer.Length > 0)
            {
                if (_current.Buffer.Length >= ChunkSize)
                {
                    spent.Enqueue(_current.Buffer);
                }
                else
                {
                    // A small prefix (under a small threshold) cannot be filled as a chunk again.
                    ArrayPool<byte>.Shared.Return(_current.Buffer);
                }
            }

            _current = new Chunk([], 0);
            _offset = 0;
        }
    }
}
