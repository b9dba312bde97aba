using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Configuration;

/// <summary>A webhook: a public endpoint that feeds one or more incomings once its validators pass.</summary>
/// <param name="Identifier">The identifier, the last segment of the webhook's URL.</param>
/// <param name="Incoming">The identifiers of the incomings the webhook feeds.</param>
/// <param name="Validators">The request validators; all must pass.</param>
public sealed record Webhook(string Identifier, IReadOnlyList<string> Incoming, IReadOnlyList<IRequestValidator> Validators);
