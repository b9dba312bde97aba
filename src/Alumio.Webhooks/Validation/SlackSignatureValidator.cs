using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Verifies Slack's request signature (prototype <c>slack</c>): <c>X-Slack-Signature</c> is <c>v0=</c> and the hex
/// HMAC-SHA256 of <c>v0:{timestamp}:{body}</c> keyed with the app's signing secret, where the timestamp is
/// <c>X-Slack-Request-Timestamp</c>.
/// </summary>
/// <remarks>
/// A timestamp further than the tolerance from now is refused, and a replay of a verified request within that
/// window is acknowledged without storing its tasks again.
/// </remarks>
public sealed class SlackSignatureValidator : IRequestBodyValidator
{
    /// <summary>The header that carries the signature.</summary>
    public const string SignatureHeader = "X-Slack-Signature";

    /// <summary>The header that carries the timestamp.</summary>
    public const string TimestampHeader = "X-Slack-Request-Timestamp";

    private readonly TimestampedSignature _core;

    /// <summary>Initializes a new instance of the <see cref="SlackSignatureValidator"/> class.</summary>
    /// <param name="secrets">The app's signing secrets; several while one is rotated.</param>
    /// <param name="tolerance">How far the timestamp may be from now; five minutes when <see langword="null"/>.</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public SlackSignatureValidator(IEnumerable<string> secrets, TimeSpan? tolerance = null, TimeProvider? timeProvider = null) =>
        _core = new TimestampedSignature(HmacSet.Utf8Keys(secrets, nameof(secrets)), tolerance ?? SignatureTimestamp.DefaultTolerance, timeProvider ?? TimeProvider.System, nameof(tolerance));

    /// <summary>Gets how far the timestamp may be from now.</summary>
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
        var signature = SecretComparer.Single(request.TryGetHeader(SignatureHeader, out var signatures), signatures).AsSpan().Trim();
        var timestamp = SecretComparer.Single(request.TryGetHeader(TimestampHeader, out var timestamps), timestamps);
        if (!signature.StartsWith("v0=", StringComparison.Ordinal)
            || HmacSet.Decode(signature[3..], SignatureEncoding.Hex) is not { } decoded
            || !SignatureTimestamp.TryParse(timestamp, out var seconds))
        {
            return null;
        }

        // The signed text holds the timestamp exactly as sent.
        return new SignedMessage(seconds, "v0:" + timestamp.Trim() + ":", [decoded], null);
    }
}
