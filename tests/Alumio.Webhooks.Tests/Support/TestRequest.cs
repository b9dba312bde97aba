using System.Net;
using System.Text;
using Alumio.Webhooks.Receiving;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.Tests.Support;

/// <summary>A webhook request built in memory.</summary>
public sealed class TestRequest : WebhookRequest
{
    private readonly Dictionary<string, StringValues> _headers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, StringValues> _query = new(StringComparer.Ordinal);
    private readonly MemoryStream _body;
    private IPAddress? _remoteIpAddress = IPAddress.Loopback;

    public TestRequest(string body, string? contentType = "application/json", string method = "POST")
        : this(Encoding.UTF8.GetBytes(body), contentType, method)
    {
    }

    public TestRequest(byte[] body, string? contentType, string method = "POST")
    {
        _body = new MemoryStream(body);
        ContentType = contentType;
        Method = method;
        ContentLength = body.Length;
    }

    public TestRequest(byte[] body, string? contentType, long? contentLength)
        : this(body, contentType)
    {
        ContentLength = contentLength;
    }

    public override string Method { get; }

    public override string? ContentType { get; }

    public override long? ContentLength { get; }

    public override Stream Body => _body;

    public override IPAddress? RemoteIpAddress => _remoteIpAddress;

    public TestRequest WithHeader(string name, params string[] values)
    {
        _headers[name] = new StringValues(values);
        return this;
    }

    public TestRequest WithQuery(string name, params string[] values)
    {
        _query[name] = new StringValues(values);
        return this;
    }

    public TestRequest WithRemoteIpAddress(IPAddress? address)
    {
        _remoteIpAddress = address;
        return this;
    }

    public override bool TryGetHeader(string name, out StringValues values) => _headers.TryGetValue(name, out values);

    public override bool TryGetQuery(string name, out StringValues values) => _query.TryGetValue(name, out values);
}
