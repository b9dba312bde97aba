using System.Security.Cryptography;
using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only when a header carries an HMAC of the raw body made with one of the configured
/// secrets (prototype <c>hmac</c>, and the presets <c>github</c> and <c>shopify</c>).
/// </summary>
/// <remarks>
/// The header's value must be the <c>Template</c> with the signature in place of <c>{signature}</c>, for example
/// <c>sha256={signature}</c>. The body is hashed as the parser reads it, once, and the signature is checked before
/// anything is stored. Signatures are compared in constant time against every secret. This scheme carries no
/// timestamp, so a captured request can be replayed: pair it with HTTPS, and with idempotency on the route.
/// </remarks>
public sealed class HmacSignatureValidator : IRequestBodyValidator
{
    /// <summary>The placeholder that stands for the signature in a template.</summary>
    public const string SignaturePlaceholder = "{signature}";

    private readonly HashAlgorithmName _algorithm;
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly SignatureEncoding _encoding;
    private readonly byte[][] _keys;

    /// <summary>Initializes a new instance of the <see cref="HmacSignatureValidator"/> class.</summary>
    /// <param name="algorithm"><see cref="HashAlgorithmName.SHA1"/>, <see cref="HashAlgorithmName.SHA256"/> or <see cref="HashAlgorithmName.SHA512"/>.</param>
    /// <param name="header">The header that carries the signature, for example <c>X-Signature</c>.</param>
    /// <param name="template">The header's value with <see cref="SignaturePlaceholder"/> where the signature goes, for example <c>sha256={signature}</c>.</param>
    /// <param name="encoding">How the signature is written.</param>
    /// <param name="secrets">The accepted secrets, used as UTF-8 bytes; several while a secret is rotated.</param>
    public HmacSignatureValidator(HashAlgorithmName algorithm, string header, string template, SignatureEncoding encoding, IEnumerable<string> secrets)
    {
        if (algorithm != HashAlgorithmName.SHA1 && algorithm != HashAlgorithmName.SHA256 && algorithm != HashAlgorithmName.SHA512)
        {
            throw new ArgumentException("The algorithm must be SHA1, SHA256 or SHA512.", nameof(algorithm));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentNullException.ThrowIfNull(template);
        var at = template.IndexOf(SignaturePlaceholder, StringComparison.Ordinal);
        if (at < 0 || template.IndexOf(SignaturePlaceholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            throw new ArgumentException($"The template must contain {SignaturePlaceholder} exactly once.", nameof(template));
        }

        if (!Enum.IsDefined(encoding))
        {
            throw new ArgumentOutOfRangeException(nameof(encoding));
        }

        _algorithm = algorithm;
        Header = header;
        _prefix = template[..at];
        _suffix = template[(at + SignaturePlaceholder.Length)..];
        _encoding = encoding;
        _keys = HmacSet.Utf8Keys(secrets, nameof(secrets));
    }

    /// <summary>Gets the header that carries the signature.</summary>
    public string Header { get; }

    /// <summary>Creates the validator of GitHub's <c>X-Hub-Signature-256</c> header (<c>sha256=</c> and hex).</summary>
    /// <param name="secrets">The webhook secrets.</param>
    /// <returns>The validator.</returns>
    public static HmacSignatureValidator GitHub(IEnumerable<string> secrets) =>
        new(HashAlgorithmName.SHA256, "X-Hub-Signature-256", "sha256=" + SignaturePlaceholder, SignatureEncoding.Hex, secrets);

    /// <summary>Creates the validator of Shopify's <c>X-Shopify-Hmac-Sha256</c> header (base64).</summary>
    /// <param name="secrets">The app's client secrets.</param>
    /// <returns>The validator.</returns>
    public static HmacSignatureValidator Shopify(IEnumerable<string> secrets) =>
        new(HashAlgorithmName.SHA256, "X-Shopify-Hmac-Sha256", SignaturePlaceholder, SignatureEncoding.Base64, secrets);

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValueTask.FromResult(ReadSignature(request) is null ? WrongSignature : RequestValidationResult.Success);
    }

    /// <inheritdoc />
    public IRequestBodyVerifier CreateVerifier(WebhookRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Verifier(new HmacSet(_algorithm, _keys), ReadSignature(request));
    }

    private static RequestValidationResult WrongSignature => RequestValidationResult.Fail(401, HeaderRequestValidator.WrongTokenDetail);

    private byte[]? ReadSignature(WebhookRequest request)
    {
        var value = SecretComparer.Single(request.TryGetHeader(Header, out var values), values).AsSpan().Trim();
        if (value.Length < _prefix.Length + _suffix.Length
            || !value.StartsWith(_prefix, StringComparison.OrdinalIgnoreCase)
            || !value.EndsWith(_suffix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return HmacSet.Decode(value[_prefix.Length..^_suffix.Length], _encoding);
    }

    private sealed class Verifier(HmacSet hashes, byte[]? signature) : IRequestBodyVerifier
    {
        public string? MessageId => null;

        public DateTimeOffset MessageExpires => DateTimeOffset.MinValue;

        public void Append(ReadOnlySpan<byte> data) => hashes.Append(data);

        public RequestValidationResult Verify() =>
            signature is not null && hashes.FindMatch([signature]) is not null ? RequestValidationResult.Success : WrongSignature;

        public void Dispose() => hashes.Dispose();
    }
}
