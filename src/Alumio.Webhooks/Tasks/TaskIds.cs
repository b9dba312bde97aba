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
internal static class TaskIds
{
    private const int IdBytes = 16;
    private const int PoolIds = 256;

    private static readonly Lock Gate = new();
    private static readonly byte[] Pool = new byte[IdBytes * PoolIds];
    private static int _used = PoolIds;
    private static Guid _last;

    public static Guid Next(DateTimeOffset now)
    {
        var milliseconds = now.ToUnixTimeMilliseconds();
        ArgumentOutOfRangeException.ThrowIfNegative(milliseconds, nameof(now));
        Span<byte> bytes = stackalloc byte[IdBytes];
        lock (Gate)
        {
            if (_used == PoolIds)
            {
                RandomNumberGenerator.Fill(Pool);
                _used = 0;
            }

            Pool.AsSpan(_used++ * IdBytes, IdBytes).CopyTo(bytes);
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
