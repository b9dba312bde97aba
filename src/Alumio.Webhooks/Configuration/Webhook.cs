using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Configuration;

/// <summary>A webhook: a public endpoint that feeds one or more incomings once its validators pass.</summary>
/// <param name="Identifier">The identifier, the last segment of the webhook's URL.</param>
/// <param name="Incoming">The identifiers of the incomings the webhook feeds.</param>
/// <param name="Validators">The request validators; all must pass.</param>
public sealed record Webhook(string Identifier, IReadOnlyList<string> Incoming, IReadOnlyList<IRequestValidator> Validators)
{
    /// <summary>The body size a webhook accepts unless configured otherwise: 32 MiB.</summary>
    public const long DefaultMaxBodySize = 32L * 1024 * 1024;

    /// <summary>Gets the largest body accepted, in bytes; a larger one is answered with <c>413</c>.</summary>
    /// <value>Defaults to <see cref="DefaultMaxBodySize"/>; at least 1.</value>
    public long MaxBodySize { get; init; } = DefaultMaxBodySize;

    /// <summary>Gets a value indicating whether a body without any item is refused with <c>422</c> instead of accepted with zero tasks.</summary>
    /// <value>Defaults to <see langword="false"/>.</value>
    public bool RequireItems { get; init; }

    /// <summary>
    /// Gets the status every refusal by a validator is answered with, in place of the validator's own (<c>401</c>, or
    /// <c>403</c> for an address), for senders that expect a particular one; <see langword="null"/> keeps the validators' statuses.
    /// </summary>
    /// <value>A 4xx status code, or <see langword="null"/> (the default).</value>
    public int? ValidationFailureStatus { get; init; }

    /// <summary>Gets where requests carry an idempotency key, or <see langword="null"/> when they are not deduplicated by one.</summary>
    public IdempotencyKey? IdempotencyKey { get; init; }
}
