namespace Alumio.Webhooks.Validation;

/// <summary>How a signature is written in its header.</summary>
public enum SignatureEncoding
{
    /// <summary>Hexadecimal digits, either case (GitHub, Stripe, Slack).</summary>
    Hex,

    /// <summary>Standard base64 with padding (Shopify, Standard Webhooks).</summary>
    Base64,
}
