using System.Net;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.Receiving;

/// <summary>
/// An incoming webhook request as the core pipeline sees it, independent of any HTTP server.
/// </summary>
/// <remarks>
/// The ASP.NET Core package adapts <c>HttpContext</c> to this type; tests and other hosts can derive their own.
/// </remarks>
public abstract class WebhookRequest
{
    /// <summary>Gets the HTTP method of the request, such as <c>POST</c>.</summary>
    public abstract string Method { get; }

    /// <summary>Gets the value of the <c>Content-Type</c> header, or <see langword="null"/> when absent.</summary>
    public abstract string? ContentType { get; }

    /// <summary>Gets the declared length of the body in bytes, or <see langword="null"/> when unknown.</summary>
    public abstract long? ContentLength { get; }

    /// <summary>Gets the request body. It is read once, from its current position.</summary>
    public abstract Stream Body { get; }

    /// <summary>Gets the address of the remote end of the connection, when known.</summary>
    public abstract IPAddress? RemoteIpAddress { get; }

    /// <summary>Looks up a request header by its case-insensitive name.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="values">The header values when present.</param>
    /// <returns><see langword="true"/> when the header is present.</returns>
    public abstract bool TryGetHeader(string name, out StringValues values);

    /// <summary>Looks up a query string parameter by name.</summary>
    /// <param name="name">The parameter name.</param>
    /// <param name="values">The parameter values when present.</param>
    /// <returns><see langword="true"/> when the parameter is present.</returns>
    public abstract bool TryGetQuery(string name, out StringValues values);
}
