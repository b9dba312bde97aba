using System.Security.Cryptography;

namespace Alumio.Webhooks.Validation;

/// <summary>What a timestamped scheme's headers say: when, the text signed before the body, and the signatures offered.</summary>
/// <param name="Timestamp">The unix seconds the sender signed at.</param>
/// <param name="SignedPrefix">The text the sender signed in front of the body, such as <c>{t}.</c>.</param>
/// <param name="Signatures">The decoded signatures offered; any one of them may match.</param>
/// <param name="Id">The message id the signature covers, when the scheme has one.</param>
internal sealed record SignedMessage(long Timestamp, string SignedPrefix, IReadOnlyList<byte[]> Signatures, string? Id);

/// <summary>
/// The part Stripe, Slack and Standard Webhooks share: HMAC-SHA256 over a prefix and the body, a timestamp within a
/// tolerance, and the message (its id, or else its signature) remembered until it would be stale anyway.
/// </summary>
internal sealed class TimestampedSignature
{
    private readonly byte[][] _keys;
    private readonly TimeProvider _timeProvider;

    public TimestampedSignature(byte[][] keys, TimeSpan tolerance, TimeProvider timeProvider, string toleranceName)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        SignatureTimestamp.CheckTolerance(tolerance, toleranceName);
        _keys = keys;
        Tolerance = tolerance;
        _timeProvider = timeProvider;
    }

    public TimeSpan Tolerance { get; }

    public static RequestValidationResult WrongSignature => RequestValidationResult.Fail(401, HeaderRequestValidator.WrongTokenDetail);

    public RequestValidationResult Validate(SignedMessage? message)
    {
        if (message is null)
        {
            return WrongSignature;
        }

        return SignatureTimestamp.IsWithin(message.Timestamp, _timeProvider, Tolerance)
            ? RequestValidationResult.Success
            : RequestValidationResult.Fail(401, SignatureTimestamp.OutsideToleranceDetail);
    }

    public IRequestBodyVerifier CreateVerifier(SignedMessage? message) => new Verifier(new HmacSet(HashAlgorithmName.SHA256, _keys), message, Tolerance);

    private sealed class Verifier : IRequestBodyVerifier
    {
        private readonly HmacSet _hashes;
        private readonly SignedMessage? _message;

        public Verifier(HmacSet hashes, SignedMessage? message, TimeSpan tolerance)
        {
            _hashes = hashes;
            _message = message;
            if (message is not null)
            {
                hashes.Append(message.SignedPrefix);
                MessageExpires = SignatureTimestamp.Expires(message.Timestamp, tolerance);
            }
        }

        public string? MessageId { get; private set; }

        public DateTimeOffset MessageExpires { get; }

        public void Append(ReadOnlySpan<byte> data) => _hashes.Append(data);

        public RequestValidationResult Verify()
        {
            if (_message is null || _hashes.FindMatch(_message.Signatures) is not { } match)
            {
                return WrongSignature;
            }

            // Without an id, the signature itself names the message: a replay repeats it exactly.
            MessageId = _message.Id ?? "signature:" + Convert.ToHexStringLower(match);
            return RequestValidationResult.Success;
        }

        public void Dispose() => _hashes.Dispose();
    }
}
