using System.Security.Cryptography;
using System.Text;
using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only when a header equals a configured value (prototype <c>header</c>).
/// The comparison takes the same time wherever the values differ.
/// </summary>
public sealed class HeaderRequestValidator : IRequestValidator
{
    /// <summary>The detail of the problem answered when the header is missing or wrong.</summary>
    public const string WrongTokenDetail = "Wrong authentication token provided.";

    private readonly string _header;
    private readonly byte[] _expectedHash;

    /// <summary>Initializes a new instance of the <see cref="HeaderRequestValidator"/> class.</summary>
    /// <param name="header">The header name, for example <c>X-Alumio-Auth</c>.</param>
    /// <param name="value">The value the header must have.</param>
    public HeaderRequestValidator(string header, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentException.ThrowIfNullOrEmpty(value);
        _header = header;
        _expectedHash = Hash(value);
    }

    /// <summary>Gets the name of the header that is checked.</summary>
    public string Header => _header;

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // Both sides are hashed first so the comparison covers equal-length inputs and its time
        // tells nothing about the length or the content of the secret.
        var actual = request.TryGetHeader(_header, out var values) && values.Count == 1 ? values[0] ?? string.Empty : string.Empty;
        var matches = CryptographicOperations.FixedTimeEquals(Hash(actual), _expectedHash);
        return ValueTask.FromResult(matches ? RequestValidationResult.Success : RequestValidationResult.Fail(401, WrongTokenDetail));
    }

    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
