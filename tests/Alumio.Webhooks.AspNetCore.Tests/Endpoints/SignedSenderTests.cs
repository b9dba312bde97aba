using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using static Alumio.Webhooks.AspNetCore.Tests.Support.NodeSigners;

namespace Alumio.Webhooks.AspNetCore.Tests.Endpoints;

/// <summary>
/// Requests signed by the senders' own npm libraries (standardwebhooks, svix, @octokit/webhooks-methods, stripe) and
/// by node's crypto for Shopify and Slack, sent over HTTP to webhooks configured through the configuration contract.
/// </summary>
public class SignedSenderTests
{
    private const string Body = """{"orders":[{"id":"1001","tracking":"3SABCD"},{"id":"1002","tracking":"3SEFGH"}]}""";
    private const string Whsec = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string NewWhsec = "whsec_c2Vjb25kLXNlY3JldC1mb3Itcm90YXRpb24=";
    private const string GitHubSecret = "gh-webhook-secret-1";
    private const string StripeSecret = "whsec_stripe_test_51Hx";
    private const string ShopifySecret = "shpss_0123456789abcdef";
    private const string SlackSecret = "8f742231b10e8888abcd99yyyzzz85a5";

    private static readonly string Configuration = $$"""
        { "Alumio": {
            "Webhooks": {
              "standard": { "Incoming": "orders", "Validators": [ { "Prototype": "standard-webhooks", "Secrets": [ "{{Whsec}}", "{{NewWhsec}}" ], "Tolerance": "00:05:00" } ] },
              "github":   { "Incoming": "orders", "Validators": [ { "Prototype": "github", "Secret": "{{GitHubSecret}}" } ] },
              "stripe":   { "Incoming": "orders", "Validators": [ { "Prototype": "stripe", "Secret": "{{StripeSecret}}" } ] },
              "shopify":  { "Incoming": "orders", "Validators": [ { "Prototype": "shopify", "Secret": "{{ShopifySecret}}" } ] },
              "slack":    { "Incoming": "orders", "Validators": [ { "Prototype": "slack", "Secret": "{{SlackSecret}}" } ] },
              "generic":  { "Incoming": "orders", "Validators": [ { "Prototype": "hmac", "Algorithm": "SHA256", "Header": "X-Hub-Signature-256", "Template": "sha256={signature}", "Encoding": "hex", "Secrets": [ "retired", "{{GitHubSecret}}" ] } ] },
              "hidden":   { "Incoming": "orders", "ValidationFailureStatus": 403, "Validators": [ { "Prototype": "github", "Secret": "{{GitHubSecret}}" } ] },
              "from-env": { "Incoming": "orders", "Validators": [ { "Prototype": "github" } ] }
            },
            "Incoming": { "orders": { "Parser": { "Prototype": "json" }, "PatternToItems": "orders" } },
            "Outgoing": { "sink": { "Prototype": "http", "Url": "https://example.invalid/orders" } },
            "Routes": { "to-sink": { "Incoming": "orders", "Outgoing": "sink" } } } }
        """;

    private readonly ConcurrentQueue<string> _logs = new();
    private WebhookApp _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        // The from-env webhook's secret comes from an environment variable, as a deployment would provide it.
        Environment.SetEnvironmentVariable("ALUMIO_SIGNED_TEST__Alumio__Webhooks__from-env__Validators__0__Secret", GitHubSecret);
        var configuration = new ConfigurationBuilder()
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Configuration)))
            .AddEnvironmentVariables("ALUMIO_SIGNED_TEST__")
            .Build();
        _app = await WebhookApp.StartAsync(
            webhooks => webhooks.AddConfiguration(configuration.GetSection("Alumio")),
            build: builder => builder.Logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CollectingLoggerProvider(_logs)));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _app.DisposeAsync();
        Environment.SetEnvironmentVariable("ALUMIO_SIGNED_TEST__Alumio__Webhooks__from-env__Validators__0__Secret", null);
    }

    [Test]
    public async Task Requests_signed_by_each_senders_library_are_accepted()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync(
        [
            new("standard-webhooks", Whsec, Body, "msg_std_1", now),
            new("svix", Whsec, Body, "msg_svix_1", now),
            new("github", GitHubSecret, Body),
            new("stripe", StripeSecret, Body, Timestamp: now),
            new("shopify", ShopifySecret, Body),
            new("slack", SlackSecret, Body, Timestamp: now),
            new("github", GitHubSecret, Body),
            new("github", GitHubSecret, Body),
        ]);
        string[] webhooks = ["standard", "standard", "github", "stripe", "shopify", "slack", "generic", "from-env"];

        for (var i = 0; i < webhooks.Length; i++)
        {
            using var response = await SendAsync(webhooks[i], Body, signed[i]);
            response.StatusCode.Should().Be(HttpStatusCode.OK, $"{webhooks[i]} accepts what its sender signed: {await response.Content.ReadAsStringAsync()}");
        }

        (await _app.AllTasksAsync()).Should().HaveCount(2 * webhooks.Length);
    }

    [Test]
    public async Task A_body_changed_after_signing_is_refused_by_every_scheme_and_stores_nothing()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync(
        [
            new("standard-webhooks", Whsec, Body, "msg_std_2", now),
            new("github", GitHubSecret, Body),
            new("stripe", StripeSecret, Body, Timestamp: now),
            new("shopify", ShopifySecret, Body),
            new("slack", SlackSecret, Body, Timestamp: now),
        ]);
        string[] webhooks = ["standard", "github", "stripe", "shopify", "slack"];
        var tampered = Body.Replace("3SABCD", "3SABCE", StringComparison.Ordinal);

        for (var i = 0; i < webhooks.Length; i++)
        {
            using var response = await SendAsync(webhooks[i], tampered, signed[i]);
            await ShouldBeWrongSignatureAsync(response, webhooks[i]);
        }

        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Tampered_headers_are_refused()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync([new("standard-webhooks", Whsec, Body, "msg_std_3", now), new("stripe", StripeSecret, Body, Timestamp: now)]);

        var otherId = new Dictionary<string, string>(signed[0], StringComparer.OrdinalIgnoreCase) { ["webhook-id"] = "msg_std_4" };
        var laterTimestamp = new Dictionary<string, string>(signed[0], StringComparer.OrdinalIgnoreCase) { ["webhook-timestamp"] = (now + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var stripeShifted = new Dictionary<string, string>(signed[1], StringComparer.OrdinalIgnoreCase) { ["Stripe-Signature"] = signed[1]["Stripe-Signature"].Replace($"t={now}", $"t={now - 1}", StringComparison.Ordinal) };

        using (var response = await SendAsync("standard", Body, otherId))
        {
            await ShouldBeWrongSignatureAsync(response, "a changed webhook-id");
        }

        using (var response = await SendAsync("standard", Body, laterTimestamp))
        {
            await ShouldBeWrongSignatureAsync(response, "a changed webhook-timestamp");
        }

        using (var response = await SendAsync("stripe", Body, stripeShifted))
        {
            await ShouldBeWrongSignatureAsync(response, "a changed t=");
        }

        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Stale_and_future_timestamps_are_refused_even_when_the_signature_is_right()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync(
        [
            new("standard-webhooks", Whsec, Body, "msg_old", now - 600),
            new("standard-webhooks", Whsec, Body, "msg_future", now + 600),
            new("stripe", StripeSecret, Body, Timestamp: now - 600),
            new("slack", SlackSecret, Body, Timestamp: now - 600),
        ]);
        string[] webhooks = ["standard", "standard", "stripe", "slack"];

        for (var i = 0; i < webhooks.Length; i++)
        {
            using var response = await SendAsync(webhooks[i], Body, signed[i]);
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
            (await response.JsonAsync()).GetProperty("detail").GetString().Should().Be("The signature's timestamp is too old or too far in the future.");
        }

        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task Old_and_new_secrets_both_verify_while_a_secret_is_rotated()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync(
        [
            new("standard-webhooks", Whsec, Body, "msg_old_secret", now),
            new("standard-webhooks", NewWhsec, Body, "msg_new_secret", now),
            new("standard-webhooks", "whsec_dW5rbm93bi1zZWNyZXQ=", Body, "msg_unknown_secret", now),
        ]);

        using (var old = await SendAsync("standard", Body, signed[0]))
        {
            old.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var rotated = await SendAsync("standard", Body, signed[1]))
        {
            rotated.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        using (var unknown = await SendAsync("standard", Body, signed[2]))
        {
            await ShouldBeWrongSignatureAsync(unknown, "a secret that is not configured");
        }

        (await _app.AllTasksAsync()).Should().HaveCount(4);
    }

    [Test]
    public async Task A_replayed_message_is_answered_200_as_a_duplicate_and_stored_once()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync([new("standard-webhooks", Whsec, Body, "msg_replayed", now)]);

        using var first = await SendAsync("standard", Body, signed[0]);
        using var replay = await SendAsync("standard", Body, signed[0]);

        first.StatusCode.Should().Be(HttpStatusCode.OK);
        replay.StatusCode.Should().Be(HttpStatusCode.OK);
        var firstBody = await first.JsonAsync();
        var replayBody = await replay.JsonAsync();
        firstBody.TryGetProperty("duplicate", out _).Should().BeFalse();
        replayBody.GetProperty("duplicate").GetBoolean().Should().BeTrue();
        replayBody.GetProperty("requestId").GetString().Should().Be(firstBody.GetProperty("requestId").GetString());
        (await _app.AllTasksAsync()).Should().HaveCount(2);
    }

    [Test]
    public async Task A_webhook_answers_a_refusal_with_its_configured_status()
    {
        var signed = await SignAsync([new("github", "not-the-secret", Body)]);

        using var wrong = await SendAsync("hidden", Body, signed[0]);
        using var missing = await SendAsync("hidden", Body, new Dictionary<string, string>());

        wrong.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        missing.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await missing.JsonAsync()).GetProperty("detail").GetString().Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task Secrets_and_signatures_never_reach_logs_or_answers()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var signed = await SignAsync([new("github", GitHubSecret, Body), new("stripe", "whsec_wrong", Body, Timestamp: now), new("standard-webhooks", Whsec, Body, "msg_logs", now)]);
        var answers = new StringBuilder();
        foreach (var (webhook, headers, body) in new[] { ("github", signed[0], Body), ("github", signed[0], Body + " "), ("stripe", signed[1], Body), ("standard", signed[2], "{") })
        {
            using var response = await SendAsync(webhook, body, headers);
            answers.AppendLine(await response.Content.ReadAsStringAsync());
        }

        var everything = string.Join("\n", _logs) + answers;
        _logs.Should().NotBeEmpty();
        foreach (var secret in new[] { GitHubSecret, StripeSecret, Whsec, Whsec["whsec_".Length..], "whsec_wrong" })
        {
            everything.Should().NotContain(secret);
        }

        foreach (var value in signed.SelectMany(headers => headers.Values).Where(value => value.Length > 20))
        {
            everything.Should().NotContain(value);
        }
    }

    private static async Task ShouldBeWrongSignatureAsync(HttpResponseMessage response, string because)
    {
        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, because);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
        (await response.JsonAsync()).GetProperty("detail").GetString().Should().Be("Wrong authentication token provided.", because);
    }

    private Task<HttpResponseMessage> SendAsync(string webhook, string body, IReadOnlyDictionary<string, string> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/" + webhook)
        {
            Content = new StringContent(body, new UTF8Encoding(false), "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value).Should().BeTrue(name + " is a request header");
        }

        return _app.Client.SendAsync(request);
    }

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + exception);
        }
    }
}
