namespace Alumio.Webhooks.Validation;

/// <summary>The outcome of an <see cref="IRequestValidator"/>.</summary>
public sealed class RequestValidationResult
{
    private RequestValidationResult(int statusCode, string? detail)
    {
        StatusCode = statusCode;
        Detail = detail;
    }

    /// <summary>Gets the result of a request that may be accepted.</summary>
    public static RequestValidationResult Success { get; } = new(200, null);

    /// <summary>Gets a value indicating whether the request may be accepted.</summary>
    public bool Succeeded => Detail is null;

    /// <summary>Gets the HTTP status to answer a rejected request with (401, 403, ...).</summary>
    public int StatusCode { get; }

    /// <summary>Gets the problem detail shown to the caller of a rejected request. It never contains a secret.</summary>
    public string? Detail { get; }

    /// <summary>Creates a failed result.</summary>
    /// <param name="statusCode">A 4xx HTTP status code.</param>
    /// <param name="detail">What was wrong, for the caller; must not echo a secret.</param>
    /// <returns>The failed result.</returns>
    public static RequestValidationResult Fail(int statusCode, string detail)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 499);
        ArgumentException.ThrowIfNullOrEmpty(detail);
        return new RequestValidationResult(statusCode, detail);
    }
}
