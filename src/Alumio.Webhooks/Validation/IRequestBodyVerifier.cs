namespace Alumio.Webhooks.Validation;

/// <summary>Checks one request's raw body, fed to it in order, chunk by chunk.</summary>
public interface IRequestBodyVerifier : IDisposable
{
    /// <summary>
    /// Gets the id of the message once <see cref="Verify"/> succeeded, for schemes whose signature covers an id or a
    /// timestamp; a second request with the same id before <see cref="MessageExpires"/> is a replay and is not stored
    /// again. <see langword="null"/> when the scheme offers no replay protection.
    /// </summary>
    string? MessageId { get; }

    /// <summary>Gets the moment after which the signed message would be refused anyway, so its id need not be remembered longer.</summary>
    DateTimeOffset MessageExpires { get; }

    /// <summary>Adds the next bytes of the body.</summary>
    /// <param name="data">The bytes, exactly as received.</param>
    void Append(ReadOnlySpan<byte> data);

    /// <summary>Decides, after the last byte of the body, whether the request may be accepted.</summary>
    /// <returns><see cref="RequestValidationResult.Success"/>, or the failure to answer with.</returns>
    RequestValidationResult Verify();
}
