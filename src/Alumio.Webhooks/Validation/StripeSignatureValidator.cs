using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Verifies Stripe's <c>Stripe-Signature</c> header (prototype <c>stripe</c>): <c>t=</c> a unix timestamp and one or
/// more <c>v1=</c> hex HMAC-SHA256 signatures of <c>{t}.{body}</c>, keyed with the endpoint's signing secret
/// (<c>whsec_...</c>, used as is).
/// </summary>
/// <remarks>
/// A timestamp further than the tolerance from now, in the past or the future, is refused. A replay of a verified
/// request within that window is acknowledged without storing its tasks again.
/// </remarks>
public sealed class StripeSignatureValidator : IRequestBodyValidator
{
    /// <summary>The header Stripe signs with.</summary>
    public const string HeaderName = "Stripe-Signature";

    private readonly TimestampedSignature _core;

    /// <summary>Initializes a new instance of the <see cref="StripeSignatureValidator"/> class.</summary>
    /// <param name="secrets">The endpoint's signing secrets; several while one is rolled.</param>
    /// <param name="tolerance">How far the signed timestamp may be from now; five minutes when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public StripeSignatureValidator(IEnumerable<string> secrets, TimeSpan? tolerance = null, TimeProvider? timeProvider = null) =>
        _core = new TimestampedSignature(HmacSet.Utf8Keys(secrets, nameof(secrets)), tolerance ?? SignatureTimestamp.DefaultTolerance, timeProvider ?? TimeProvider.System, nameof(tolerance));

    /// <summary>Gets how far the signed timestamp may be from now.</summary>
    public TimeSpan Tolerance => _core.Tolerance;

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

    private static SignedMessage? Read(WebhookRequest request)
    {
        var header = SecretComparer.Single(request.TryGetHeader(HeaderName, out var values), values);
        long? timestamp = null;
        var timestampText = string.Empty;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }

            var key = part.AsSpan(0, equals);
            var value = part.AsSpan(equals + 1);
            if (key.SequenceEqual("t"))
            {
                if (timestamp is not null || !SignatureTimestamp.TryParse(value, out var seconds))
                {
                    return null;
                }

                timestamp = seconds;
                timestampText = value.Trim().ToString();
            }
            else if (key.SequenceEqual("v1") && HmacSet.Decode(value, SignatureEncoding.Hex) is { } signature)
            {
                signatures.Add(signature);
            }
        }

        return timestamp is { } t && signatures.Count > 0
            ? new SignedMessage(t, timestampText + ".", signatures, null)
            : null;
    }
}
