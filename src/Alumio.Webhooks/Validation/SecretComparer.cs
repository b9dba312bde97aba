using System.Numerics;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepted secrets, compared with a candidate in constant time: the time depends on the candidate's
/// length and the number of secrets only, never on the secrets' content or length, where a candidate
/// differs, or which secret matched.
/// </summary>
/// <remarks>
/// Each secret is kept in a zero-padded buffer whose width is a power of two of at least 64 characters.
/// A candidate is compared character by character over its whole length with every secret, reading the
/// buffer at the index masked to that width, and the length difference folds into the same result. Every
/// secret is compared (no early exit), and nothing branches on a secret. This costs a few nanoseconds where
/// hashing both sides with SHA-256 (as earlier versions did) cost a call into the platform's crypto library
/// per request.
/// </remarks>
internal sealed class SecretComparer
{
    private const int MinimumWidth = 64;

    private readonly char[][] _padded;
    private readonly int[] _lengths;
    private readonly int _mask;

    private SecretComparer(char[][] padded, int[] lengths, int width)
    {
        _padded = padded;
        _lengths = lengths;
        _mask = width - 1;
    }

    /// <summary>Keeps every accepted secret, refusing empty ones and an empty list.</summary>
    public static SecretComparer Create(IEnumerable<string> secrets, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(secrets, parameterName);
        var list = new List<string>();
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException("Accepted values may not be null or empty.", parameterName);
            }

            list.Add(secret);
        }

        if (list.Count == 0)
        {
            throw new ArgumentException("At least one accepted value is required.", parameterName);
        }

        var longest = list.Max(secret => secret.Length);
        var width = (int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(MinimumWidth, longest));
        var padded = new char[list.Count][];
        var lengths = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            padded[i] = new char[width];
            list[i].CopyTo(padded[i]);
            lengths[i] = list[i].Length;
        }

        return new SecretComparer(padded, lengths, width);
    }

    /// <summary>The single value of a header or parameter, or an empty string when absent or repeated.</summary>
    public static string Single(bool found, StringValues values) =>
        found && values.Count == 1 ? values[0] ?? string.Empty : string.Empty;

    /// <summary>Whether <paramref name="candidate"/> equals one of the secrets, ordinally.</summary>
    public bool MatchesAny(ReadOnlySpan<char> candidate)
    {
        var matches = 0;
        for (var s = 0; s < _padded.Length; s++)
        {
            var secret = _padded[s];
            var mask = _mask;

            // A candidate of another length differs here; one longer than the buffer wraps around in it and
            // differs by its length whatever it holds.
            var difference = candidate.Length ^ _lengths[s];
            for (var i = 0; i < candidate.Length; i++)
            {
                difference |= candidate[i] ^ secret[i & mask];
            }

            // 1 when difference is 0, else 0, without a branch: (d | -d) has its sign bit set for any d but 0.
            matches |= (int)(~((uint)difference | (uint)-difference) >> 31);
        }

        return matches != 0;
    }
}
