using System.Security.Cryptography;
using System.Text;
using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only when it carries <c>Authorization: Basic base64(username:password)</c> with the configured
/// credentials (prototype <c>basic</c>). The scheme is case-insensitive; the username and the password are both
/// compared, each in constant time, so the time does not tell which one was wrong.
/// </summary>
public sealed class BasicAuthenticationRequestValidator : IRequestValidator
{
    private const string Scheme = "Basic ";

    private readonly SecretComparer _username;
    private readonly SecretComparer _password;

    /// <summary>Initializes a new instance of the <see cref="BasicAuthenticationRequestValidator"/> class.</summary>
    /// <param name="username">The accepted username; it may not contain a colon.</param>
    /// <param name="password">The accepted password.</param>
    public BasicAuthenticationRequestValidator(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentException.ThrowIfNullOrEmpty(password);
        if (username.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("The username may not contain a colon.", nameof(username));
        }

        _username = SecretComparer.Create([username], nameof(username));
        _password = SecretComparer.Create([password], nameof(password));
    }

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var authorization = SecretComparer.Single(request.TryGetHeader("Authorization", out var values), values);
        var matches = false;
        if (TryReadCredentials(authorization, out var username, out var password))
        {
            // '&', not '&&': both are always compared.
            matches = _username.MatchesAny(username) & _password.MatchesAny(password);
        }

        return ValueTask.FromResult(matches ? RequestValidationResult.Success : RequestValidationResult.Fail(401, HeaderRequestValidator.WrongTokenDetail));
    }

    private static bool TryReadCredentials(string authorization, out string username, out string password)
    {
        username = password = string.Empty;
        if (!authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var encoded = authorization.AsSpan(Scheme.Length).Trim();
        var bytes = new byte[(encoded.Length * 3 / 4) + 3];
        if (encoded.IsEmpty || !Convert.TryFromBase64Chars(encoded, bytes, out var length))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        username = decoded[..colon];
        password = decoded[(colon + 1)..];
        return true;
    }
}
