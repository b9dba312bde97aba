using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only when a query string parameter equals one of the configured tokens
/// (prototype <c>query</c>). Tokens are compared in constant time; a missing or repeated parameter is refused.
/// </summary>
/// <remarks>A token in the URL ends up in access logs and proxies; prefer a header when the sender can send one.</remarks>
public sealed class QueryRequestValidator : IRequestValidator
{
    private readonly SecretComparer _accepted;

    /// <summary>Initializes a new instance of the <see cref="QueryRequestValidator"/> class.</summary>
    /// <param name="name">The query parameter's name, for example <c>token</c>; matched case-sensitively.</param>
    /// <param name="value">The value the parameter must have.</param>
    public QueryRequestValidator(string name, string value)
        : this(name, [value ?? throw new ArgumentNullException(nameof(value))])
    {
    }

    /// <summary>Initializes a new instance of the <see cref="QueryRequestValidator"/> class that accepts several tokens, for secret rotation.</summary>
    /// <param name="name">The query parameter's name, for example <c>token</c>; matched case-sensitively.</param>
    /// <param name="values">The accepted values; at least one, none empty.</param>
    public QueryRequestValidator(string name, IEnumerable<string> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _accepted = SecretComparer.Create(values, nameof(values));
    }

    /// <summary>Gets the name of the query parameter that is checked.</summary>
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var found = request.TryGetQuery(Name, out var values);
        var matches = _accepted.MatchesAny(SecretComparer.Single(found, values));
        return ValueTask.FromResult(matches ? RequestValidationResult.Success : RequestValidationResult.Fail(401, HeaderRequestValidator.WrongTokenDetail));
    }
}
