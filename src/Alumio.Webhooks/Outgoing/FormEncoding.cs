namespace Alumio.Webhooks.Outgoing;

/// <summary>How a form body escapes its keys and values.</summary>
public enum FormEncoding
{
    /// <summary>RFC 1738 (HTML forms): a space is <c>+</c>, everything but letters, digits and <c>-_.</c> is <c>%XX</c>.</summary>
    Rfc1738,

    /// <summary>RFC 3986: a space is <c>%20</c>, everything but unreserved characters (<c>A-Za-z0-9-._~</c>) is <c>%XX</c>.</summary>
    Rfc3986,
}
