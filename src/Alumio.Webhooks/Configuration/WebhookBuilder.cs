using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Configuration;

/// <summary>Declares a webhook in code.</summary>
public sealed class WebhookBuilder
{
    private readonly WebhookDefinition _definition;

    internal WebhookBuilder(WebhookDefinition definition) => _definition = definition;

    /// <summary>Feeds the webhook's requests to an incoming; call again to feed several.</summary>
    /// <param name="identifier">The incoming's identifier.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder Incoming(string identifier)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(identifier);
        _definition.Incoming.Add(identifier);
        return this;
    }

    /// <summary>Sets the largest body accepted, in bytes; a larger one is answered with <c>413</c>.</summary>
    /// <param name="bytes">The limit; at least 1. The default is <see cref="Webhook.DefaultMaxBodySize"/>.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder MaxBodySize(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 1);
        _definition.MaxBodySize = bytes;
        return this;
    }

    /// <summary>Refuses a body without any item with <c>422</c> instead of accepting it with zero tasks.</summary>
    /// <param name="required">Whether at least one item is required.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder RequireItems(bool required = true)
    {
        _definition.RequireItems = required;
        return this;
    }

    /// <summary>
    /// Answers every refusal by a validator with one status (a 4xx code) in place of the validators' own, for senders
    /// that expect a particular one.
    /// </summary>
    /// <param name="statusCode">A status code from 400 to 499.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidationFailureStatus(int statusCode)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(statusCode, 400);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(statusCode, 499);
        _definition.ValidationFailureStatus = statusCode;
        return this;
    }

    /// <summary>Deduplicates requests by a key: a repeat within the window is answered with the first request and stores nothing.</summary>
    /// <param name="source"><c>header:Name</c> (such as <c>header:Idempotency-Key</c>) or <c>pattern:path</c> (such as <c>pattern:order.id</c>).</param>
    /// <param name="window">How long a key is remembered; one day when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="FormatException">The source is neither form.</exception>
    public WebhookBuilder IdempotencyKey(string source, TimeSpan? window = null)
    {
        _definition.IdempotencyKey = Configuration.IdempotencyKey.Parse(source, window);
        return this;
    }

    /// <summary>Accepts a request only when a header equals a value (the <c>header</c> validator).</summary>
    /// <param name="header">The header name.</param>
    /// <param name="value">The secret value; compared in constant time.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateHeader(string header, string value) =>
        Add(_ => new HeaderRequestValidator(header, value));

    /// <summary>Accepts a request only when a header equals one of several values, for secret rotation (the <c>header</c> validator).</summary>
    /// <param name="header">The header name.</param>
    /// <param name="values">The accepted secret values; compared in constant time.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateHeader(string header, IEnumerable<string> values) =>
        Add(_ => new HeaderRequestValidator(header, values));

    /// <summary>Accepts a request only when a header matches a regular expression (the <c>header</c> validator with <c>Pattern</c>).</summary>
    /// <param name="header">The header name.</param>
    /// <param name="pattern">A .NET regular expression, compiled non-backtracking and culture-invariant.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateHeaderPattern(string header, string pattern) =>
        Add(_ => new HeaderRequestValidator(header, HeaderRequestValidator.CreatePattern(pattern)));

    /// <summary>Accepts a request only when a query string parameter equals one of the tokens (the <c>query</c> validator).</summary>
    /// <param name="name">The query parameter's name.</param>
    /// <param name="values">The accepted tokens, several while a secret is rotated; compared in constant time.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateQuery(string name, params string[] values) =>
        Add(_ => new QueryRequestValidator(name, values));

    /// <summary>Accepts a request only with HTTP Basic credentials (the <c>basic</c> validator).</summary>
    /// <param name="username">The username.</param>
    /// <param name="password">The password; compared in constant time.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateBasic(string username, string password) =>
        Add(_ => new BasicAuthenticationRequestValidator(username, password));

    /// <summary>Accepts a request only with <c>Authorization: Bearer</c> and one of the tokens (the <c>bearer</c> validator).</summary>
    /// <param name="tokens">The accepted tokens, several while a secret is rotated; compared in constant time.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateBearer(params string[] tokens) =>
        Add(_ => new BearerTokenRequestValidator(tokens));

    /// <summary>Accepts a request only from an allowed address or CIDR range (the <c>ip</c> validator); others get <c>403</c>.</summary>
    /// <param name="allowed">Addresses and ranges such as <c>10.0.0.0/8</c>, <c>::1</c> or <c>2001:db8::/32</c>.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateIpAddress(params string[] allowed) =>
        Add(_ => new IpAddressRequestValidator(allowed));

    /// <summary>Accepts a request only with an HMAC of its raw body in a header (the <c>hmac</c> validator).</summary>
    /// <param name="algorithm">SHA1, SHA256 or SHA512.</param>
    /// <param name="header">The header that carries the signature.</param>
    /// <param name="template">The header's value with <c>{signature}</c> in place of the signature, such as <c>sha256={signature}</c>.</param>
    /// <param name="encoding">How the signature is written.</param>
    /// <param name="secrets">The accepted secrets, several while one is rotated.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateHmac(HashAlgorithmName algorithm, string header, string template, SignatureEncoding encoding, params string[] secrets) =>
        Add(_ => new HmacSignatureValidator(algorithm, header, template, encoding, secrets));

    /// <summary>Accepts only requests signed by GitHub (<c>X-Hub-Signature-256</c>; the <c>github</c> validator).</summary>
    /// <param name="secrets">The webhook secrets, several while one is rotated.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateGitHub(params string[] secrets) =>
        Add(_ => HmacSignatureValidator.GitHub(secrets));

    /// <summary>Accepts only requests signed by Shopify (<c>X-Shopify-Hmac-Sha256</c>; the <c>shopify</c> validator).</summary>
    /// <param name="secrets">The app's client secrets, several while one is rotated.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateShopify(params string[] secrets) =>
        Add(_ => HmacSignatureValidator.Shopify(secrets));

    /// <summary>Accepts only requests signed by Stripe (<c>Stripe-Signature</c>; the <c>stripe</c> validator).</summary>
    /// <param name="tolerance">How far the signed timestamp may be from now; five minutes when <see langword="null"/>.</param>
    /// <param name="secrets">The endpoint's signing secrets, several while one is rolled.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateStripe(TimeSpan? tolerance, params string[] secrets) =>
        Add(services => new StripeSignatureValidator(secrets, tolerance, services.GetService<TimeProvider>()));

    /// <summary>Accepts only requests signed by Slack (<c>X-Slack-Signature</c>; the <c>slack</c> validator).</summary>
    /// <param name="tolerance">How far the timestamp may be from now; five minutes when <see langword="null"/>.</param>
    /// <param name="secrets">The app's signing secrets, several while one is rotated.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateSlack(TimeSpan? tolerance, params string[] secrets) =>
        Add(services => new SlackSignatureValidator(secrets, tolerance, services.GetService<TimeProvider>()));

    /// <summary>Accepts only requests signed by the Standard Webhooks scheme (<c>webhook-signature</c>; the <c>standard-webhooks</c> validator).</summary>
    /// <param name="tolerance">How far the timestamp may be from now; five minutes when <see langword="null"/>.</param>
    /// <param name="secrets">The <c>whsec_</c> secrets, several while one is rotated.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder ValidateStandardWebhooks(TimeSpan? tolerance, params string[] secrets) =>
        Add(services => new StandardWebhooksSignatureValidator(secrets, tolerance, services.GetService<TimeProvider>()));

    /// <summary>Adds a request validator instance.</summary>
    /// <param name="validator">The validator.</param>
    /// <returns>This builder.</returns>
    public WebhookBuilder Validate(IRequestValidator validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        return Add(_ => validator);
    }

    /// <summary>Adds a request validator created from the application's services.</summary>
    /// <typeparam name="TValidator">The validator type; its constructor parameters are resolved from DI.</typeparam>
    /// <returns>This builder.</returns>
    public WebhookBuilder Validate<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TValidator>()
        where TValidator : class, IRequestValidator =>
        Add(services => ActivatorUtilities.CreateInstance<TValidator>(services));

    private WebhookBuilder Add(Func<IServiceProvider, IRequestValidator> factory)
    {
        var location = $"webhook '{_definition.Identifier}' validator {_definition.Validators.Count}";
        _definition.Validators.Add(Recipe.FromCode(location, factory));
        return this;
    }
}
