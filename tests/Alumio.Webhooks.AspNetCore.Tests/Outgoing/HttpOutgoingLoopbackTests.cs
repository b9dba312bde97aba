using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.AspNetCore.Tests.Outgoing;

/// <summary>The <c>http</c> outgoing against a real receiver on a loopback port.</summary>
public class HttpOutgoingLoopbackTests
{
    private readonly ConcurrentQueue<(string Method, string Path, string ContentType, string Body)> _received = new();
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
        _receiver.Map("/orders/{id}/complete", async (HttpContext context) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            _received.Enqueue((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.ContentType ?? string.Empty, await reader.ReadToEndAsync()));
            return Results.NoContent();
        });
        _receiver.MapPost("/broken", () => Results.Text("database down " + new string('x', 1000), statusCode: 500));
        _receiver.MapPost("/missing", () => Results.NotFound());
        _receiver.MapPost("/status/{code:int}", (HttpContext context, int code) =>
        {
            context.Response.StatusCode = code;
            if (context.Request.Query["after"] is { Count: 1 } after)
            {
                context.Response.Headers.RetryAfter = after.ToString();
            }

            if (context.Request.Query["date"] is { Count: 1 })
            {
                // An HTTP-date a minute and a half after the answer's own Date.
                var now = DateTimeOffset.UtcNow;
                context.Response.Headers.Date = now.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
                context.Response.Headers.RetryAfter = now.AddSeconds(90).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
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
    public async Task The_entity_is_sent_as_json_to_the_templated_url()
    {
        var outgoing = Create(HttpMethod.Put, _baseUrl + "/orders/&{order.id}/complete?carrier=&{carrier}");

        var result = await outgoing.SendAsync(JsonNode.Parse("""{"order":{"id":"A 7/1"},"carrier":"PostNL & co"}""")!, Context(), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        result.StatusCode.Should().Be(204);
        var request = _received.Should().ContainSingle(r => r.Path.StartsWith("/orders/A%207%2F1/complete", StringComparison.Ordinal)).Which;
        request.Method.Should().Be("PUT");
        request.Path.Should().EndWith("?carrier=PostNL%20%26%20co");
        request.ContentType.Should().Be("application/json; charset=utf-8");
        JsonDocument.Parse(request.Body).RootElement.GetProperty("order").GetProperty("id").GetString().Should().Be("A 7/1");
    }

    [Test]
    public async Task A_server_error_fails_with_the_status_and_a_bounded_excerpt()
    {
        var outgoing = Create(HttpMethod.Post, _baseUrl + "/broken?apiKey=secret-key");

        var result = await outgoing.SendAsync(new JsonObject(), Context(), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.StatusCode.Should().Be(500);
        result.Error.Should().StartWith($"POST {_baseUrl}/… answered 500 Internal Server Error: database down xxx");
        result.Error.Should().NotContain("secret-key");
        result.Error!.Length.Should().BeLessThan(HttpOutgoing.MaxErrorExcerpt + 120);
    }

    [Test]
    public async Task A_client_error_fails_with_the_status()
    {
        var result = await Create(HttpMethod.Post, _baseUrl + "/missing").SendAsync(new JsonObject(), Context(), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.StatusCode.Should().Be(404);
    }

    [TestCase(400)]
    [TestCase(401)]
    [TestCase(403)]
    [TestCase(404)]
    [TestCase(409)]
    [TestCase(422)]
    public async Task A_client_error_other_than_408_and_429_fails_for_good(int status)
    {
        var result = await Create(HttpMethod.Post, $"{_baseUrl}/status/{status}").SendAsync(new JsonObject(), Context(), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.StatusCode.Should().Be(status);
        result.IsPermanent.Should().BeTrue("the same entity would be refused again");
        result.RetryAfter.Should().BeNull();
    }

    [TestCase(408)]
    [TestCase(429)]
    [TestCase(500)]
    [TestCase(502)]
    [TestCase(503)]
    [TestCase(504)]
    public async Task Timeouts_throttling_and_server_errors_may_be_retried(int status)
    {
        var result = await Create(HttpMethod.Post, $"{_baseUrl}/status/{status}").SendAsync(new JsonObject(), Context(), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.StatusCode.Should().Be(status);
        result.IsPermanent.Should().BeFalse();
    }

    [Test]
    public async Task Retry_after_in_seconds_or_as_a_date_is_read()
    {
        var seconds = await Create(HttpMethod.Post, $"{_baseUrl}/status/429?after=120").SendAsync(new JsonObject(), Context(), CancellationToken.None);
        var date = await Create(HttpMethod.Post, $"{_baseUrl}/status/503?date=1").SendAsync(new JsonObject(), Context(), CancellationToken.None);

        seconds.RetryAfter.Should().Be(TimeSpan.FromSeconds(120));
        date.RetryAfter.Should().BeCloseTo(TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(1));
    }

    [Test]
    public async Task A_receiver_that_is_not_listening_fails_without_a_status()
    {
        var result = await Create(HttpMethod.Post, $"http://127.0.0.1:{LoopbackPort.Free()}/x").SendAsync(new JsonObject(), Context(), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.StatusCode.Should().BeNull();
        result.Error.Should().Contain("failed");
        result.IsPermanent.Should().BeFalse("the receiver may be back later");
    }

    [Test]
    public async Task A_placeholder_without_a_value_fails_before_anything_is_sent()
    {
        var before = _received.Count;

        var result = await Create(HttpMethod.Post, _baseUrl + "/orders/&{orderId}/complete").SendAsync(JsonNode.Parse("""{"id":1}""")!, Context(), CancellationToken.None);

        result.Error.Should().Be("URL: The placeholder &{orderId} has no value in the entity.");
        _received.Count.Should().Be(before);
    }

    [Test]
    public async Task The_url_and_headers_take_the_tasks_captures_and_a_missing_one_fails_without_a_request()
    {
        var outgoing = new HttpOutgoing(
            new HttpOutgoingOptions { Method = HttpMethod.Post, Url = _baseUrl + "/orders/$1/complete?line=$2&price=$$5" },
            _services.GetRequiredService<IHttpClientFactory>());
        var context = Context();
        var withCaptures = context with { Task = context.Task with { Captures = ["A 7", "3"] } };

        var result = await outgoing.SendAsync(new JsonObject(), withCaptures, CancellationToken.None);
        var before = _received.Count;
        var missing = await outgoing.SendAsync(new JsonObject(), context, CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        _received.Should().Contain(r => r.Path == "/orders/A%207/complete?line=3&price=$5");
        missing.IsPermanent.Should().BeTrue();
        missing.Error.Should().Be("URL: The capture $1 has no value: the task has no captures (its pattern to items and branchers have no wildcard keys).");
        _received.Count.Should().Be(before);
    }

    private HttpOutgoing Create(HttpMethod method, string url) =>
        new(new HttpOutgoingOptions { Method = method, Url = url }, _services.GetRequiredService<IHttpClientFactory>());

    private TaskContext Context()
    {
        var now = DateTimeOffset.UtcNow;
        var task = new WebhookTask(Guid.CreateVersion7(), "r", "w", "route", "{}"u8.ToArray(), WebhookTaskStatus.Processing, 0, null, now, now);
        return new TaskContext(task, _services);
    }
}
