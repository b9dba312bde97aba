using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only when it carries <c>Authorization: Bearer &lt;token&gt;</c> with one of the configured
/// tokens (prototype <c>bearer</c>). The scheme is case-insensitive; tokens are compared in constant time.
/// </summary>
public sealed class BearerTokenRequestValidator : IRequestValidator
{
    private const string Scheme = "Bearer ";

    private readonly SecretComparer _accepted;

    /// <summary>Initializes a new instance of the <see cref="BearerTokenRequestValidator"/> class.</summary>
    /// <param name="token">The accepted token.</param>
    public BearerTokenRequestValidator(string token)
        : this([token ?? throw new ArgumentNullException(nameof(token))])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="BearerTokenRequestValidator"/> class that accepts several tokens, for secret rotation.</summary>
    /// <param name="tokens">The accepted tokens; at least one, none empty.</param>
    public BearerTokenRequestValidator(IEnumerable<string> tokens)
    {
        _accepted = SecretComparer.Create(tokens, nameof(tokens));
    }

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var authorization = SecretComparer.Single(request.TryGetHeader("Authorization", out var values), values);
        var token = authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) ? authorization[Scheme.Length..] : string.Empty;
        var matches = _accepted.MatchesAny(token);
        return ValueTask.FromResult(matches ? RequestValidationResult.Success : RequestValidationResult.Fail(401, HeaderRequestValidator.WrongTokenDetail));
    }
}
