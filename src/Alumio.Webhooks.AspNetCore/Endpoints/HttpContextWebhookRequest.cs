using System.Net;
using Alumio.Webhooks.Receiving;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.AspNetCore.Endpoints;

/// <summary>Adapts an ASP.NET Core request to the core pipeline.</summary>
internal sealed class HttpContextWebhookRequest(HttpContext context) : WebhookRequest
{
    public override string Method => context.Request.Method;

    public override string? ContentType => context.Request.ContentType;

    public override long? ContentLength => context.Request.ContentLength;

    public override Stream Body => context.Request.Body;

    public override IPAddress? RemoteIpAddress => context.Connection.RemoteIpAddress;

    public override bool TryGetHeader(string name, out StringValues values) => context.Request.Headers.TryGetValue(name, out values);

    public override bool TryGetQuery(string name, out StringValues values) => context.Request.Query.TryGetValue(name, out values);
}
