using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Validation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.AspNetCore.Tests.Outgoing;

/// <summary>The <c>http</c> publisher's headers, bodies, authentication, signing and timeout, against a real loopback receiver.</summary>
public class HttpPublisherTests
{
    private readonly ConcurrentQueue<Received> _received = new();
    private WebApplication _receiver = null!;
    private ServiceProvider _services = null!;
    private string _baseUrl = null!;

    [OneTimeSetUp]
    public async Task StartReceiver()
    {
        _baseUrl = $"http://127.0.0.1:{LoopbackPort.Free()}";
        var builder = WebApplication.CreateSlimBuilder(["--urls", _baseUrl]);
        builder.Logging.ClearProviders();
        _receiver = builder.Build();
        _receiver.Map("/echo", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            _received.Enqueue(new Received(context.Request.Method, context.Request.ContentType, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body.ToArray()));
            return Results.Ok();
        });
        _receiver.MapPost("/slow", async (CancellationToken token) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5), token);
            return Results.Ok();
        });
        await _receiver.StartAsync();
        _services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
    }

    [OneTimeTearDown]
    public async Task StopReceiver()
    {
        await _services.DisposeAsync();
        await _receiver.StopAsync();
        await _receiver.DisposeAsync();
    }

    [Test]
    public async Task Headers_are_filled_from_the_entity_and_credentials_are_added()
    {
        var basic = await SendAsync(new HttpOutgoingOptions
        {
            Url = _baseUrl + "/echo",
            Headers = new Dictionary<string, string> { ["X-Order"] = "order &{orderId}", ["X-Carrier"] = "&{carrier}" },
            Authentication = HttpAuthentication.Basic("erp", "p@ss:word"),
        }, """{"orderId":7,"carrier":"PostNL"}""");
        var bearer = await SendAsync(new HttpOutgoingOptions { Url = _baseUrl + "/echo", Authentication = HttpAuthentication.Bearer("t0ken") }, "{}");
        var apiKey = await SendAsync(new HttpOutgoingOptions { Url = _baseUrl + "/echo", Authentication = HttpAuthentication.ApiKey("X-Api-Key", "k3y") }, "{}");

        basic.Headers["X-Order"].Should().Be("order 7");
        basic.Headers["X-Carrier"].Should().Be("PostNL");
        basic.Headers["Authorization"].Should().Be("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("erp:p@ss:word")));
        bearer.Headers["Authorization"].Should().Be("Bearer t0ken");
        apiKey.Headers["X-Api-Key"].Should().Be("k3y");
    }

    [Test]
    public async Task A_header_placeholder_without_a_value_fails_for_good_before_sending()
    {
        var before = _received.Count;
        var outgoing = Create(new HttpOutgoingOptions { Url = _baseUrl + "/echo", Headers = new Dictionary<string, string> { ["X-Order"] = "&{orderId}" } });

        var result = await outgoing.SendAsync(JsonNode.Parse("{}")!, Context(), CancellationToken.None);

        result.IsPermanent.Should().BeTrue();
        result.Error.Should().Be("Header X-Order: The placeholder &{orderId} has no value in the entity.");
        _received.Count.Should().Be(before);
    }

    [Test]
    public async Task An_xml_body_is_the_reverse_of_the_xml_parser()
    {
        const string entity = """{"@version":"2","orderId":"7","lines":[{"sku":"a","qty":1},{"sku":"b","qty":2}],"note":{"@lang":"en","#text":"fragile & light"},"product ID":"x"}""";

        var received = await SendAsync(new HttpOutgoingOptions { Url = _baseUrl + "/echo", Body = HttpBodyFormat.Xml, XmlRoot = "order" }, entity);

        received.ContentType.Should().Be("application/xml; charset=utf-8");
        Encoding.UTF8.GetString(received.Body).Should().Be(
            """<?xml version="1.0" encoding="utf-8"?><order version="2"><orderId>7</orderId><lines><sku>a</sku><qty>1</qty></lines><lines><sku>b</sku><qty>2</qty></lines><note lang="en">fragile &amp; light</note><product_x0020_ID>x</product_x0020_ID></order>""");
        var parsed = await new XmlParser().ParseAsync(new MemoryStream(received.Body), "application/xml", CancellationToken.None).SingleAsync();
        parsed["order"]!["lines"]!.AsArray().Should().HaveCount(2);
        parsed["order"]!["note"]!["#text"]!.GetValue<string>().Should().Be("fragile & light");
    }

    [TestCase(FormEncoding.Rfc1738, "name=Ada+Lovelace&tags%5B0%5D=a+b&tags%5B1%5D=c%7Ed&address%5Bcity%5D=Den+Haag&vip=1&vat=0&total=12.5")]
    [TestCase(FormEncoding.Rfc3986, "name=Ada%20Lovelace&tags%5B0%5D=a%20b&tags%5B1%5D=c~d&address%5Bcity%5D=Den%20Haag&vip=1&vat=0&total=12.5")]
    public async Task A_form_body_is_written_as_php_does_in_either_encoding(FormEncoding encoding, string expected)
    {
        const string entity = """{"name":"Ada Lovelace","tags":["a b","c~d"],"address":{"city":"Den Haag"},"vip":true,"vat":false,"none":null,"total":12.5}""";

        var received = await SendAsync(new HttpOutgoingOptions { Url = _baseUrl + "/echo", Body = HttpBodyFormat.Form, FormEncoding = encoding }, entity);

        received.ContentType.Should().Be("application/x-www-form-urlencoded");
        Encoding.ASCII.GetString(received.Body).Should().Be(expected);
    }

    [Test]
    public async Task A_get_sends_no_body()
    {
        var received = await SendAsync(new HttpOutgoingOptions { Method = HttpMethod.Get, Url = _baseUrl + "/echo" }, """{"a":1}""");

        received.Method.Should().Be("GET");
        received.Body.Should().BeEmpty();
    }

    [Test]
    public async Task An_hmac_signed_request_passes_the_hmac_validator()
    {
        var received = await SendAsync(new HttpOutgoingOptions
        {
            Url = _baseUrl + "/echo",
            Signing = HttpSigning.Hmac(HashAlgorithmName.SHA256, "X-Hub-Signature-256", "sha256={signature}", SignatureEncoding.Hex, "shared-secret"),
        }, """{"orderId":"7"}""");

        received.Headers["X-Hub-Signature-256"].Should().Be("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData("shared-secret"u8, received.Body)));
        (await VerifyAsync(HmacSignatureValidator.GitHub(["shared-secret"]), received)).Should().BeTrue();
    }

    [Test]
    public async Task A_standard_webhooks_signed_request_passes_the_standard_webhooks_validator()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var context = Context();
        var received = await SendAsync(new HttpOutgoingOptions { Url = _baseUrl + "/echo", Signing = HttpSigning.StandardWebhooks(secret) }, """{"orderId":"7"}""", context);

        received.Headers["webhook-id"].Should().Be("msg_" + context.Task.Id.ToString("N"), "the id is the task's, the same on every retry");
        (await VerifyAsync(new StandardWebhooksSignatureValidator([secret]), received)).Should().BeTrue();
        (await VerifyAsync(new StandardWebhooksSignatureValidator(["whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24="]), received)).Should().BeFalse();
    }

    [Test]
    public async Task A_slow_receiver_fails_after_the_timeout_and_may_be_retried()
    {
        var outgoing = Create(new HttpOutgoingOptions { Url = _baseUrl + "/slow", Timeout = TimeSpan.FromMilliseconds(300) });

        var result = await outgoing.SendAsync(new JsonObject(), Context(), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.IsPermanent.Should().BeFalse();
        result.Error.Should().Be($"POST {_baseUrl}/… timed out after 0.3 s.");
    }

    [Test]
    public async Task Every_publisher_setting_is_read_from_configuration()
    {
        var json = $$"""
            { "Alumio": {
                "Webhooks": { "w": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "erp": { "Prototype": "http", "Method": "PUT", "Url": "{{_baseUrl}}/echo",
                                       "Headers": { "X-Order": "&{orderId}" }, "Body": "form", "FormEncoding": "RFC3986",
                                       "Authentication": { "Type": "api-key", "Header": "X-Api-Key", "Value": "k3y" },
                                       "Signing": { "Type": "hmac", "Algorithm": "SHA512", "Header": "X-Signature", "Template": "v1={signature}", "Encoding": "base64", "Secret": "s" },
                                       "Timeout": "00:00:05" },
                              "nothing": { "Prototype": "no-action" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "erp" }, "s": { "Incoming": "in", "Outgoing": "nothing" } } } }
            """;
        await using var provider = Build(json);
        var model = provider.GetRequiredService<WebhookModel>();

        var received = await SendAsync(model.Outgoing["erp"], """{"orderId":"7 8"}""");

        model.Outgoing["nothing"].Should().BeSameAs(NoActionOutgoing.Instance);
        received.Method.Should().Be("PUT");
        received.Headers["X-Order"].Should().Be("7 8");
        received.Headers["X-Api-Key"].Should().Be("k3y");
        received.Headers["X-Signature"].Should().Be("v1=" + Convert.ToBase64String(HMACSHA512.HashData("s"u8, received.Body)));
        Encoding.ASCII.GetString(received.Body).Should().Be("orderId=7%208");
    }

    [Test]
    public async Task Credentials_and_signing_secrets_written_as_setting_names_are_read_from_the_environment()
    {
        var token = "ALUMIO_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        var secret = "ALUMIO_TEST_SIGNING_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(token, "t0ken-from-env");
        Environment.SetEnvironmentVariable(secret, "s3cret-from-env");
        try
        {
            var json = $$"""
                { "Alumio": {
                    "Webhooks": { "w": { "Incoming": "in" } },
                    "Incoming": { "in": { "Parser": "json" } },
                    "Outgoing": { "erp": { "Prototype": "http", "Url": "{{_baseUrl}}/echo",
                                           "Authentication": { "Type": "bearer", "Token": "${{{token}}}" },
                                           "Signing": { "Type": "hmac", "Header": "X-Signature", "Secret": "${{{secret}}}" } } },
                    "Routes": { "r": { "Incoming": "in", "Outgoing": "erp" } } } }
                """;
            await using var provider = Build(json);

            var received = await SendAsync(provider.GetRequiredService<WebhookModel>().Outgoing["erp"], "{}");

            received.Headers["Authorization"].Should().Be("Bearer t0ken-from-env");
            received.Headers["X-Signature"].Should().Be(Convert.ToHexStringLower(HMACSHA256.HashData("s3cret-from-env"u8, received.Body)));
        }
        finally
        {
            Environment.SetEnvironmentVariable(token, null);
            Environment.SetEnvironmentVariable(secret, null);
        }
    }

    [Test]
    public async Task Configuration_values_fill_the_url_and_headers()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Erp:Token"] = "cfg-t0ken", ["Erp:Path"] = "echo" }).Build();
        var outgoing = new HttpOutgoing(
            new HttpOutgoingOptions { Url = _baseUrl + "/${Erp:Path}", Headers = new Dictionary<string, string> { ["X-Token"] = "${Erp:Token}" } },
            _services.GetRequiredService<IHttpClientFactory>(),
            configuration: configuration);

        var received = await SendAsync(outgoing, "{}");

        received.Headers["X-Token"].Should().Be("cfg-t0ken");
    }

    [Test]
    public async Task The_client_a_host_configures_under_the_outgoing_client_name_sends_the_requests()
    {
        // A host adds its own handlers (a proxy, a certificate, a resilience pipeline) to the named client.
        var services = new ServiceCollection();
        services.AddHttpClient(HttpOutgoingOptions.DefaultHttpClientName).AddHttpMessageHandler(() => new StampHandler("default"));
        services.AddHttpClient("erp-client").AddHttpMessageHandler(() => new StampHandler("erp-client"));
        await using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredService<IHttpClientFactory>();

        var byDefault = await SendAsync(new HttpOutgoing(new HttpOutgoingOptions { Url = _baseUrl + "/echo" }, factory), "{}");
        var byName = await SendAsync(new HttpOutgoing(new HttpOutgoingOptions { Url = _baseUrl + "/echo", HttpClientName = "erp-client" }, factory), "{}");

        byDefault.Headers["X-Stamped-By"].Should().Be("default");
        byName.Headers["X-Stamped-By"].Should().Be("erp-client");
    }

    [Test]
    public void Every_bad_publisher_setting_is_listed_without_repeating_a_secret()
    {
        const string json = """
            { "Alumio": {
                "Webhooks": { "w": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "erp": { "Prototype": "http", "Url": "https://erp.example/orders", "Body": "yaml", "FormEncoding": "RFC2396", "Timeout": "01:00:00",
                                       "Headers": { "X-List": [ "a", "b" ] },
                                       "Authentication": { "Type": "digest", "Password": "TopSecret1" },
                                       "Signing": { "Type": "standard-webhooks", "Secret": "not*base64-TopSecret2", "Algo": "x" } } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "erp" } } } }
            """;

        var act = () => Build(json).GetRequiredService<WebhookModel>();

        var errors = act.Should().Throw<AlumioConfigurationException>().Which.Errors;
        errors.Should().Contain(e => e.Contains("erp:Body 'yaml' is not one of Json, Xml, Form", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:FormEncoding 'RFC2396' is not one of RFC1738, RFC3986", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:Timeout must be at most 00:10:00", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:Headers:X-List must be a single value", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:Authentication:Type 'digest' is not one of basic, bearer, api-key", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:Authentication:Password is not a setting of the http outgoing's Authentication", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:Signing:Secret is not a Standard Webhooks secret", StringComparison.Ordinal))
            .And.Contain(e => e.Contains("erp:Signing:Algo is not a setting of the http outgoing's Signing", StringComparison.Ordinal));
        errors.Should().NotContain(e => e.Contains("TopSecret", StringComparison.Ordinal));
    }

    private static ServiceProvider Build(string json)
    {
        var services = new ServiceCollection();
        services.AddAlumioWebhooks().AddConfiguration(new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Alumio"));
        return services.BuildServiceProvider();
    }

    private static async Task<bool> VerifyAsync(IRequestBodyValidator validator, Received received)
    {
        var request = new ReceivedRequest(received);
        if (!(await validator.ValidateAsync(request, CancellationToken.None)).Succeeded)
        {
            return false;
        }

        using var verifier = validator.CreateVerifier(request);
        verifier.Append(received.Body);
        return verifier.Verify().Succeeded;
    }

    private HttpOutgoing Create(HttpOutgoingOptions options) => new(options, _services.GetRequiredService<IHttpClientFactory>());

    private Task<Received> SendAsync(HttpOutgoingOptions options, string entity, TaskContext? context = null) => SendAsync(Create(options), entity, context);

    private async Task<Received> SendAsync(IOutgoing outgoing, string entity, TaskContext? context = null)
    {
        _received.Clear();
        var result = await outgoing.SendAsync(JsonNode.Parse(entity)!, context ?? Context(), CancellationToken.None);
        result.Succeeded.Should().BeTrue(result.Error);
        return _received.Should().ContainSingle().Subject;
    }

    private TaskContext Context()
    {
        var now = DateTimeOffset.UtcNow;
        var task = new WebhookTask(Guid.CreateVersion7(), "r", "w", "route", "{}"u8.ToArray(), WebhookTaskStatus.Processing, 0, null, now, now);
        return new TaskContext(task, _services);
    }

    private sealed record Received(string Method, string? ContentType, Dictionary<string, string> Headers, byte[] Body);

    private sealed class StampHandler(string name) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Stamped-By", name);
            return base.SendAsync(request, cancellationToken);
        }
    }

    /// <summary>A received request shown to a request validator, as the receiving side of a webhook would see it.</summary>
    private sealed class ReceivedRequest(Received received) : WebhookRequest
    {
        public override string Method => received.Method;

        public override string? ContentType => received.ContentType;

        public override long? ContentLength => received.Body.Length;

        public override Stream Body => new MemoryStream(received.Body);

        public override System.Net.IPAddress? RemoteIpAddress => System.Net.IPAddress.Loopback;

        public override bool TryGetHeader(string name, out StringValues values)
        {
            var found = received.Headers.TryGetValue(name, out var value);
            values = found ? new StringValues(value) : StringValues.Empty;
            return found;
        }

        public override bool TryGetQuery(string name, out StringValues values)
        {
            values = StringValues.Empty;
            return false;
        }
    }
}
