using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Verifies the Standard Webhooks scheme (prototype <c>standard-webhooks</c>), which Svix and many platforms send:
/// <c>webhook-signature</c> holds one or more space-separated <c>v1,</c> and base64 HMAC-SHA256 signatures of
/// <c>{webhook-id}.{webhook-timestamp}.{body}</c>, keyed with the base64-decoded secret after its <c>whsec_</c> prefix.
/// The <c>svix-id</c>, <c>svix-timestamp</c> and <c>svix-signature</c> headers are read when the
/// <c>webhook-</c> ones are absent.
/// </summary>
/// <remarks>
/// A timestamp further than the tolerance from now is refused. A second request with the same <c>webhook-id</c>
/// while that id is remembered (until its timestamp is out of tolerance) is a replay or a sender's retry: it is
/// answered <c>200</c> with the first request's id and stores nothing.
/// </remarks>
public sealed class StandardWebhooksSignatureValidator : IRequestBodyValidator
{
    private const string SecretPrefix = "whsec_";

    private readonly TimestampedSignature _core;

    /// <summary>Initializes a new instance of the <see cref="StandardWebhooksSignatureValidator"/> class.</summary>
    /// <param name="secrets">The secrets, <c>whsec_</c> and base64, or base64 alone; several while one is rotated.</param>
    /// <param name="tolerance">How far the timestamp may be from now; five minutes when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A secret is empty or not base64. The message does not repeat it.</exception>
    public StandardWebhooksSignatureValidator(IEnumerable<string> secrets, TimeSpan? tolerance = null, TimeProvider? timeProvider = null) =>
        _core = new TimestampedSignature(DecodeSecrets(secrets), tolerance ?? SignatureTimestamp.DefaultTolerance, timeProvider ?? TimeProvider.System, nameof(tolerance));

    /// <summary>Gets how far the timestamp may be from now.</summary>
    public TimeSpan Tolerance => _core.Tolerance;

    /// <summary>Whether a secret is in the scheme's format: optional <c>whsec_</c>, then non-empty base64.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns><see langword="true"/> when the secret can be used.</returns>
    public static bool IsValidSecret(string? secret) => secret is not null && TryDecode(secret, out _);

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(_core.Validate(Read(request)));
    }

    /// <inheritdoc />
    public IRequestBodyVerifier CreateVerifier(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _core.CreateVerifier(Read(request));
    }

    private static byte[][] DecodeSecrets(IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var keys = new List<byte[]>();
        foreach (var secret in secrets)
        {
            if (secret is null || !TryDecode(secret, out var key))
            {
                throw new ArgumentException("Every secret must be whsec_ followed by base64, or base64 alone.", nameof(secrets));
            }

            keys.Add(key);
        }

        if (keys.Count == 0)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }

        return [.. keys];
    }

    private static bool TryDecode(string secret, out byte[] key)
    {
        var text = secret.AsSpan().Trim();
        if (text.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            text = text[SecretPrefix.Length..];
        }

        // Senders' libraries accept secrets without their base64 padding, so this does too.
        var padded = text.Length % 4 == 0 ? text.ToString() : text.ToString() + new string('=', 4 - (text.Length % 4));
        key = HmacSet.Decode(padded, SignatureEncoding.Base64) ?? [];
        return key.Length > 0;
    }

    private static SignedMessage? Read(WebhookRequest request)
    {
        var prefix = request.TryGetHeader("webhook-id", out _) || request.TryGetHeader("webhook-signature", out _) ? "webhook-" : "svix-";
        var id = SecretComparer.Single(request.TryGetHeader(prefix + "id", out var ids), ids).Trim();
        var timestamp = SecretComparer.Single(request.TryGetHeader(prefix + "timestamp", out var timestamps), timestamps).Trim();
        var header = SecretComparer.Single(request.TryGetHeader(prefix + "signature", out var signatures), signatures);
        if (id.Length == 0 || !SignatureTimestamp.TryParse(timestamp, out var seconds))
        {
            return null;
        }

        var offered = new List<byte[]>();
        foreach (var entry in header.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            // Other versions (v1a is an asymmetric signature) are not ours to check; they are skipped.
            if (entry.StartsWith("v1,", StringComparison.Ordinal) && HmacSet.Decode(entry.AsSpan(3), SignatureEncoding.Base64) is { } signature)
            {
                offered.Add(signature);
            }
        }

        return offered.Count == 0 ? null : new SignedMessage(seconds, id + "." + timestamp + ".", offered, id);
    }
}
