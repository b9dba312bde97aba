using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Transformation;
using Microsoft.AspNetCore.Builder;

namespace Alumio.Webhooks.AspNetCore.Tests.Routes;

public class DryRunEndpointTests
{
    private const string Shipment = """{"type":"shipment","orderId":"7","trackingCode":"3SABC","carrier":"PostNL","lines":[{"sku":"A"},{"sku":"B"}]}""";

    private readonly ConcurrentQueue<string> _delivered = new();
    private WebhookApp _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = await WebhookApp.StartAsync(
            webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson())
                .AddWebhook("hook", webhook => webhook.Incoming("in"))
                .AddOutgoing("shop", outgoing => outgoing.Deliver((entity, _, _) =>
                {
                    _delivered.Enqueue(entity.ToJsonString());
                    return ValueTask.FromResult(Alumio.Webhooks.Outgoing.OutgoingResult.Success());
                }))
                .AddRoute("send-tracking-to-shop", route => route.From("in").To("shop")
                    .Filter(new EqualsCondition("type", "shipment"))
                    .MapValue("carrier", new Dictionary<string, string> { ["PostNL"] = "PNL" }, "OTHER")
                    .Merge(new JsonObject { ["order"] = "&{orderId}", ["code"] = "&{trackingCode}", ["carrier"] = "&{carrier}" }))
                .AddRoute("lines", route => route.From("in").To("shop").Branch("lines"))
                .AddRoute("numbered-lines", route => route.From("in").To("shop").Branch("lines.*").SetValue("at", "$1/$2")),
            app =>
            {
                app.MapWebhooks();
                app.MapWebhookTasks();
                app.MapWebhookRoutes();
            });
    }

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task A_dry_run_answers_the_transformed_entity_and_stores_and_delivers_nothing()
    {
        using var response = await PostAsync("/api/v1/routes/send-tracking-to-shop/dry-run", Shipment);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.MediaType()!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("""
            {"route":"send-tracking-to-shop","status":"Continue","entity":{"order":"7","code":"3SABC","carrier":"PNL"},"reason":null}
            """);
        (await _app.AllTasksAsync()).Should().BeEmpty();
        _delivered.Should().BeEmpty();
    }

    [Test]
    public async Task Captures_of_the_sample_come_from_the_query_and_a_branch_adds_its_own()
    {
        using var response = await PostAsync("/api/v1/routes/numbered-lines/dry-run?capture=A1", Shipment);
        using var without = await PostAsync("/api/v1/routes/numbered-lines/dry-run", Shipment);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        answer.GetProperty("entity").EnumerateArray().Select(branch => branch.GetProperty("at").GetString()).Should().Equal("A1/0", "A1/1");
        var failed = JsonDocument.Parse(await without.Content.ReadAsStringAsync()).RootElement;
        failed.GetProperty("status").GetString().Should().Be("Failed");
        failed.GetProperty("reason").GetString().Should().Contain("The capture $2 has no value: the task has 1 capture");
    }

    [Test]
    public async Task A_skipped_entity_answers_the_reason()
    {
        var json = await PostJsonAsync("/api/v1/routes/send-tracking-to-shop/dry-run", """{"type":"return"}""");

        json.GetProperty("status").GetString().Should().Be("Skipped");
        json.GetProperty("entity").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("reason").GetString().Should().Be("Filter condition not met: type equals \"shipment\"");
    }

    [Test]
    public async Task A_failing_mapping_answers_the_error_naming_route_transformer_and_path()
    {
        var json = await PostJsonAsync("/api/v1/routes/send-tracking-to-shop/dry-run", """{"type":"shipment","carrier":"PostNL"}""");

        json.GetProperty("status").GetString().Should().Be("Failed");
        json.GetProperty("entity").ValueKind.Should().Be(JsonValueKind.Null);
        json.GetProperty("reason").GetString().Should().Be("Route 'send-tracking-to-shop', transformer 2 (merger): The placeholder &{orderId} has no value in the entity.");
    }

    [Test]
    public async Task A_brancher_answers_every_branch()
    {
        var json = await PostJsonAsync("/api/v1/routes/LINES/dry-run", Shipment);

        json.GetProperty("route").GetString().Should().Be("lines");
        json.GetProperty("status").GetString().Should().Be("Continue");
        json.GetProperty("entity").GetRawText().Should().Be("""[{"sku":"A"},{"sku":"B"}]""");
        json.GetProperty("branches").GetInt32().Should().Be(2);
    }

    [Test]
    public async Task An_unknown_route_is_404_problem_details()
    {
        using var response = await PostAsync("/api/v1/routes/nope/dry-run", Shipment);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
        (await response.JsonAsync()).GetProperty("detail").GetString().Should().Be("No route is named 'nope'.");
    }

    [TestCase("""{"type":"shipment",""", "The body is not valid JSON at line 1, position 19.")]
    [TestCase("", "The body is not valid JSON at line 1, position 1.")]
    [TestCase("null", "The body must be a JSON entity, not null.")]
    public async Task A_malformed_body_is_400_problem_details(string body, string detail)
    {
        using var response = await PostAsync("/api/v1/routes/send-tracking-to-shop/dry-run", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
        var problem = await response.JsonAsync();
        problem.GetProperty("title").GetString().Should().Be("Malformed sample entity");
        problem.GetProperty("detail").GetString().Should().Be(detail);
    }

    [Test]
    public async Task A_body_over_the_limit_is_413_problem_details()
    {
        var huge = "\"" + new string('x', 4 * 1024 * 1024) + "\"";

        using var response = await PostAsync("/api/v1/routes/lines/dry-run", huge);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
    }

    [Test]
    public async Task Only_post_is_mapped()
    {
        using var response = await _app.Client.GetAsync("/api/v1/routes/lines/dry-run");

        response.StatusCode.Should().Be(HttpStatusCode.MethodNotAllowed);
    }

    [Test]
    public async Task Without_AddAlumioWebhooks_mapping_fails_with_a_friendly_message()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var act = () => app.MapWebhookRoutes();

        act.Should().Throw<InvalidOperationException>().WithMessage("*AddAlumioWebhooks(...) before app.MapWebhookRoutes()*");
    }

    private Task<HttpResponseMessage> PostAsync(string path, string body) =>
        _app.Client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private async Task<JsonElement> PostJsonAsync(string path, string body)
    {
        using var response = await PostAsync(path, body);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
