using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Alumio.Webhooks.Tasks;

/// <summary>
/// Creates version 7 ids that increase strictly within this process, so tasks created in the same
/// millisecond still sort in the order they were created.
/// </summary>
/// <remarks>
/// The random bits come from the operating system's secure generator, as <see cref="Guid.CreateVersion7(DateTimeOffset)"/>'s
/// do, but drawn a few kilobytes at a time: on Linux each <see cref="Guid.NewGuid"/> is a system call, and a request
/// takes one id for itself and one per task.
/// </remarks>
internal sealed class TaskIds
{
    private const int IdBytes = 16;
    private const int PoolIds = 256;

    private static readonly TaskIds Shared = new();

    private readonly Lock _gate = new();
    private readonly byte[] _pool = new byte[IdBytes * PoolIds];
    private int _used = PoolIds;
    private Guid _last;

    /// <summary>The next id of this process.</summary>
    public static Guid Next(DateTimeOffset now) => Shared.NextId(now);

    /// <summary>The next id of this generator; tests use generators of their own.</summary>
    internal Guid NextId(DateTimeOffset now)
    {
        var milliseconds = now.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(now));
        Span<byte> bytes = stackalloc byte[IdBytes];
        lock (_gate)
        {
            if (_used == PoolIds)
            {
                RandomNumberGenerator.Fill(_pool);
                _used = 0;
            }

            _pool.AsSpan(_used++ * IdBytes, IdBytes).CopyTo(bytes);
            var candidate = Version7(milliseconds, bytes);
            if (candidate.CompareTo(_last) <= 0)
            {
                candidate = Increment(_last);
            }

            _last = candidate;
            return candidate;
        }
    }

    /// <summary>Lays out a version 7 id as RFC 9562 does: 48 bits of Unix milliseconds, the version, the variant, random bits.</summary>
    private static Guid Version7(long milliseconds, Span<byte> bytes)
    {
        Span<byte> time = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(time, milliseconds);
        time[2..].CopyTo(bytes);
        bytes[6] = (byte)(0x70 | (bytes[6] & 0x0F));
        bytes[8] = (byte)(0x80 | (bytes[8] & 0x3F));
        return new Guid(bytes, bigEndian: true);
    }

    private static Guid Increment(Guid value)
    {
        Span<byte> bytes = stackalloc byte[IdBytes];
        value.TryWriteBytes(bytes, bigEndian: true, out _);
        for (var i = 15; i >= 0; i--)
        {
            // Skip the version nibble's byte and the variant bits' byte so the id stays a valid version 7 id.
            if (i is 6 or 8)
            {
                continue;
            }

            if (++bytes[i] != 0)
            {
                break;
            }
        }

        return new Guid(bytes, bigEndian: true);
    }
}
