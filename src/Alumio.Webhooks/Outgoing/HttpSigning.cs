using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Outgoing;

/// <summary>How the <c>http</c> outgoing signs its requests, so the receiver can check they come from this host.</summary>
public abstract class HttpSigning
{
    private protected HttpSigning()
    {
    }

    /// <summary>
    /// An HMAC of the body bytes in a header, written into a template such as <c>sha256={signature}</c>: the mirror of the
    /// <c>hmac</c> request validator, so two Alumio.Webhooks hosts can talk to each other.
    /// </summary>
    /// <param name="algorithm">SHA1, SHA256 or SHA512.</param>
    /// <param name="header">The header, such as <c>X-Signature</c>.</param>
    /// <param name="template">The header's value with <c>{signature}</c> where the signature goes.</param>
    /// <param name="encoding">Hex (lower case) or base64.</param>
    /// <param name="secret">The shared secret, used as UTF-8.</param>
    /// <returns>The signing.</returns>
    public static HttpSigning Hmac(HashAlgorithmName algorithm, string header, string template, SignatureEncoding encoding, string secret)
    {
        if (algorithm != HashAlgorithmName.SHA1 && algorithm != HashAlgorithmName.SHA256 && algorithm != HashAlgorithmName.SHA512)
        {
            throw new ArgumentException("The algorithm must be SHA1, SHA256 or SHA512.", nameof(algorithm));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentNullException.ThrowIfNull(template);
        var at = template.IndexOf(HmacSignatureValidator.SignaturePlaceholder, StringComparison.Ordinal);
        if (at < 0 || template.IndexOf(HmacSignatureValidator.SignaturePlaceholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"The template must contain {HmacSignatureValidator.SignaturePlaceholder} exactly once.", nameof(template));
        }

        ArgumentException.ThrowIfNullOrEmpty(secret);
        return new HmacSigning(algorithm, header, template, encoding, Encoding.UTF8.GetBytes(secret));
    }

    /// <summary>
    /// The Standard Webhooks scheme: <c>webhook-id</c> (the task id, the same on every retry of the task),
    /// <c>webhook-timestamp</c> and <c>webhook-signature</c> (<c>v1,</c> and the base64 HMAC-SHA256 of
    /// <c>{id}.{timestamp}.{body}</c>, keyed with the base64 secret after <c>whsec_</c>).
    /// </summary>
    /// <param name="secret">The <c>whsec_</c> secret.</param>
    /// <returns>The signing.</returns>
    public static HttpSigning StandardWebhooks(string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var text = secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret;
        var padded = text.Length % 4 == 0 ? text : text + new string('=', 4 - (text.Length % 4));
        var key = new byte[padded.Length];
        if (!Convert.TryFromBase64String(padded, key, out var written) || written == 0)
        {
            throw new ArgumentException("The secret must be whsec_ followed by base64, or base64 alone.", nameof(secret));
        }

        return new StandardWebhooksSigning(key[..written]);
    }

    /// <summary>Adds the signature headers for a body.</summary>
    internal abstract void Apply(HttpRequestMessage request, ReadOnlySpan<byte> body, Guid taskId, DateTimeOffset now);

    private sealed class HmacSigning(HashAlgorithmName algorithm, string header, string template, SignatureEncoding encoding, byte[] key) : HttpSigning
    {
        internal override void Apply(HttpRequestMessage request, ReadOnlySpan<byte> body, Guid taskId, DateTimeOffset now)
        {
            var mac = algorithm == HashAlgorithmName.SHA1 ? HMACSHA1.HashData(key, body)
                : algorithm == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, body)
                : HMACSHA256.HashData(key, body);
            var signature = encoding == SignatureEncoding.Hex ? Convert.ToHexStringLower(mac) : Convert.ToBase64String(mac);
            request.Headers.Remove(header);
            request.Headers.TryAddWithoutValidation(header, template.Replace(HmacSignatureValidator.SignaturePlaceholder, signature, StringComparison.Ordinal));
        }
    }

    private sealed class StandardWebhooksSigning(byte[] key) : HttpSigning
    {
        internal override void Apply(HttpRequestMessage request, ReadOnlySpan<byte> body, Guid taskId, DateTimeOffset now)
        {
            var id = "msg_" + taskId.ToString("N");
            var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var prefix = Encoding.UTF8.GetBytes(id + "." + timestamp + ".");
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(prefix);
            hmac.AppendData(body);
            request.Headers.TryAddWithoutValidation("webhook-id", id);
            request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp);
            request.Headers.TryAddWithoutValidation("webhook-signature", "v1," + Convert.ToBase64String(hmac.GetHashAndReset()));
        }
    }
}
