using System.Net;
using System.Text;
using Alumio.Webhooks.Receiving;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.PostgreSql.Tests.Support;

/// <summary>A JSON webhook request built in memory, with optional headers.</summary>
public sealed class JsonRequest(string body, params (string Name, string Value)[] headers) : WebhookRequest
{
    private readonly MemoryStream _body = new(Encoding.UTF8.GetBytes(body));

    public override string Method => "POST";

    public override string? ContentType => "application/json";

    public override long? ContentLength => _body.Length;

    public override Stream Body => _body;

    public override IPAddress? RemoteIpAddress => IPAddress.Loopback;

    public override bool TryGetHeader(string name, out StringValues values)
    {
        foreach (var header in headers)
        {
            if (string.Equals(header.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                values = header.Value;
                return true;
            }
        }

        values = default;
        return false;
    }

    public override bool TryGetQuery(string name, out StringValues values)
    {
        values = default;
        return false;
    }
}
