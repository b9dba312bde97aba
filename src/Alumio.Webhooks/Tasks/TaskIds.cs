namespace Alumio.Webhooks.Tasks;

/// <summary>
/// Creates version 7 ids that increase strictly within this process, so tasks created in the same
/// millisecond still sort in the order they were created.
/// </summary>
internal static class TaskIds
{
    private static readonly Lock Gate = new();
    private static Guid _last;

    public static Guid Next(DateTimeOffset now)
    {
        var candidate = Guid.CreateVersion7(now);
        lock (Gate)
        {
            if (candidate.CompareTo(_last) <= 0)
            {
                candidate = Increment(_last);
            }

            _last = candidate;
            return candidate;
        }
    }

    private static Guid Increment(Guid value)
    {
        Span<byte> bytes = stackalloc byte[16];
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
