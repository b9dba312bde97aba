using System.Globalization;

namespace Alumio.Webhooks.Validation;

/// <summary>The unix-seconds timestamps of signature schemes that guard against replays.</summary>
internal static class SignatureTimestamp
{
    /// <summary>The detail answered for a timestamp outside the tolerance. It says nothing about any secret.</summary>
    public const string OutsideToleranceDetail = "The signature's timestamp is too old or too far in the future.";

    /// <summary>The tolerance of every timestamped scheme unless configured: five minutes, as the senders recommend.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    /// <summary>Parses whole unix seconds: digits only, no sign, no more than twelve of them.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out long seconds)
    {
        seconds = 0;
        text = text.Trim();
        if (text.IsEmpty || text.Length > 12)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seconds);
    }

    /// <summary>Whether the timestamp lies no further than the tolerance from now, in either direction.</summary>
    public static bool IsWithin(long seconds, TimeProvider timeProvider, TimeSpan tolerance)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return Math.Abs(now - seconds) <= (long)tolerance.TotalSeconds;
    }

    /// <summary>The moment after which a message with this timestamp is refused.</summary>
    public static DateTimeOffset Expires(long seconds, TimeSpan tolerance) =>
        DateTimeOffset.FromUnixTimeSeconds(seconds) + tolerance;

    public static void CheckTolerance(TimeSpan tolerance, string parameterName)
    {
        if (tolerance < TimeSpan.FromSeconds(1) || tolerance > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(parameterName, tolerance, "The tolerance must be between one second and one day.");
        }
    }
}
