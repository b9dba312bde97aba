using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// One incremental HMAC per accepted secret, fed the same bytes, so that a signature made with any of the
/// secrets (rotation) is recognised after a single pass over the body.
/// </summary>
internal sealed class HmacSet : IDisposable
{
    private readonly IncrementalHash[] _hashes;
    private byte[][]? _results;

    public HmacSet(HashAlgorithmName algorithm, IReadOnlyList<byte[]> keys)
    {
        _hashes = new IncrementalHash[keys.Count];
        for (var i = 0; i < keys.Count; i++)
        {
            _hashes[i] = IncrementalHash.CreateHMAC(algorithm, keys[i]);
        }
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        foreach (var hash in _hashes)
        {
            hash.AppendData(data);
        }
    }

    public void Append(string text)
    {
        var length = Encoding.UTF8.GetByteCount(text);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(text, buffer);
            Append(buffer.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Finishes the hashes and returns the HMAC of the first secret that produced one of the candidates, or
    /// <see langword="null"/>. Every candidate is compared with every HMAC in constant time, with no early exit.
    /// </summary>
    public byte[]? FindMatch(IReadOnlyList<byte[]> candidates)
    {
        _results ??= [.. _hashes.Select(hash => hash.GetHashAndReset())];
        byte[]? match = null;
        foreach (var result in _results)
        {
            var matches = false;
            foreach (var candidate in candidates)
            {
                matches |= CryptographicOperations.FixedTimeEquals(result, candidate);
            }

            if (matches && match is null)
            {
                match = result;
            }
        }

        return match;
    }

    public void Dispose()
    {
        foreach (var hash in _hashes)
        {
            hash.Dispose();
        }
    }

    /// <summary>The UTF-8 bytes of every secret; refuses none and empty ones.</summary>
    public static byte[][] Utf8Keys(IEnumerable<string> secrets, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(secrets, parameterName);
        var keys = new List<byte[]>();
        foreach (var secret in secrets)
        {
            if (string.IsNullOrEmpty(secret))
            {
                throw new ArgumentException("Secrets may not be null or empty.", parameterName);
            }

            keys.Add(Encoding.UTF8.GetBytes(secret));
        }

        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one secret is required.", parameterName);
        }

        return [.. keys];
    }

    /// <summary>Decodes a signature written in hex or base64; <see langword="null"/> when it is not valid.</summary>
    public static byte[]? Decode(ReadOnlySpan<char> text, SignatureEncoding encoding)
    {
        text = text.Trim();
        if (text.IsEmpty)
        {
            return null;
        }

        if (encoding == SignatureEncoding.Hex)
        {
            if (text.Length % 2 != 0)
            {
                return null;
            }

            var bytes = new byte[text.Length / 2];
            return Convert.FromHexString(text, bytes, out _, out _) == OperationStatus.Done ? bytes : null;
        }

        var buffer = new byte[(text.Length * 3 / 4) + 3];
        return Convert.TryFromBase64Chars(text, buffer, out var written) ? buffer[..written] : null;
    }
}
