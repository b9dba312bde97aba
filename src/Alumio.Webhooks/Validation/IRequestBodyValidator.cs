using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// A request validator that also needs the raw body bytes, such as a signature over the body.
/// </summary>
/// <remarks>
/// <see cref="IRequestValidator.ValidateAsync"/> runs first, before the body is read, and checks what the
/// headers alone can tell (a signature header is present and well formed, a timestamp is within
/// tolerance). The receiver then creates a verifier, feeds it every body byte as the parser streams
/// through the body, and asks it for the verdict before any task is committed. A request whose
/// signature fails stores nothing, however far parsing got.
/// </remarks>
public interface IRequestBodyValidator : IRequestValidator
{
    /// <summary>Creates the verifier for one request whose headers passed <see cref="IRequestValidator.ValidateAsync"/>.</summary>
    /// <param name="request">The request.</param>
    /// <returns>A verifier that sees the body once; the receiver disposes it.</returns>
    IRequestBodyVerifier CreateVerifier(WebhookRequest request);
}
