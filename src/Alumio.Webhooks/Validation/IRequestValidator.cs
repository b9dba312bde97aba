using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Decides whether a webhook request may be accepted. Every validator of a webhook must pass
/// before the body is parsed.
/// </summary>
public interface IRequestValidator
{
    /// <summary>Validates a request.</summary>
    /// <param name="request">The incoming request. Validators should not consume the body.</param>
    /// <param name="cancellationToken">Cancels the validation.</param>
    /// <returns><see cref="RequestValidationResult.Success"/>, or a failure carrying the status and detail to answer with.</returns>
    ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken);
}
