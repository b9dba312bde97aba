using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.Validation;

/// <summary>Compares a candidate with accepted secrets in constant time.</summary>
internal static class SecretComparer
{
    /// <summary>Hashes every accepted secret once, refusing empty ones.</summary>
    public static byte[][] HashAll(IEnumerable<string> secrets, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(secrets, parameterName);
        var hashes = new List<byte[]>();
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException("Accepted values may not be null or empty.", parameterName);
            }

            hashes.Add(Hash(secret));
        }

        if (hashes.Count == 0)
        {
            throw new ArgumentException("At least one accepted value is required.", parameterName);
        }

        return [.. hashes];
    }

    public static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));

    /// <summary>
    /// Whether <paramref name="candidate"/> equals one of the secrets. Both sides are hashed, so the
    /// comparison covers equal-length inputs, and every secret is compared (no early exit), so the
    /// time tells nothing about the secrets' length, content or which one matched.
    /// </summary>
    public static bool MatchesAny(string candidate, byte[][] expectedHashes)
    {
        var actual = Hash(candidate);
        var matches = false;
        foreach (var expected in expectedHashes)
        {
            matches |= CryptographicOperations.FixedTimeEquals(actual, expected);
        }

        return matches;
    }

    /// <summary>The single value of a header or parameter, or an empty string when absent or repeated.</summary>
    public static string Single(bool found, StringValues values) =>
        found && values.Count == 1 ? values[0] ?? string.Empty : string.Empty;
}
