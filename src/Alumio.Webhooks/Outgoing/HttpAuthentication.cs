using System.Net.Http.Headers;
using System.Text;

namespace Alumio.Webhooks.Outgoing;

/// <summary>How the <c>http</c> outgoing authenticates to the system it delivers to.</summary>
public abstract class HttpAuthentication
{
    private protected HttpAuthentication()
    {
    }

    /// <summary>HTTP Basic authentication.</summary>
    /// <param name="username">The user name; may not contain a colon.</param>
    /// <param name="password">The password.</param>
    /// <returns>The authentication.</returns>
    public static HttpAuthentication Basic(string username, string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(username);
        ArgumentNullException.ThrowIfNull(password);
        if (username.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException("A Basic user name may not contain a colon.", nameof(username));
        }

        var value = Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password));
        return new HeaderAuthentication(request => request.Headers.Authorization = new AuthenticationHeaderValue("Basic", value));
    }

    /// <summary>A bearer token in the <c>Authorization</c> header.</summary>
    /// <param name="token">The token.</param>
    /// <returns>The authentication.</returns>
    public static HttpAuthentication Bearer(string token)
    {
        ArgumentException.ThrowIfNullOrEmpty(token);
        return new HeaderAuthentication(request => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token));
    }

    /// <summary>An API key in a header of its own.</summary>
    /// <param name="header">The header, such as <c>X-Api-Key</c>.</param>
    /// <param name="value">The key.</param>
    /// <returns>The authentication.</returns>
    public static HttpAuthentication ApiKey(string header, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentException.ThrowIfNullOrEmpty(value);
        return new HeaderAuthentication(request =>
        {
            request.Headers.Remove(header);
            request.Headers.TryAddWithoutValidation(header, value);
        });
    }

    /// <summary>Adds the credentials to a request.</summary>
    internal abstract void Apply(HttpRequestMessage request);

    /// <summary>Sets one header; the credentials never appear in a task's error, which only names the URL's authority.</summary>
    private sealed class HeaderAuthentication(Action<HttpRequestMessage> apply) : HttpAuthentication
    {
        internal override void Apply(HttpRequestMessage request) => apply(request);
    }
}
