using System.Net;
using System.Text.Json;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Processing;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.AspNetCore.Tests.Tasks;

public class TaskEndpointsTests
{
    private static readonly string[] TaskKeys = ["id", "requestId", "webhook", "route", "status", "attempts", "lastError", "createdAt", "updatedAt", "entity"];
    private WebhookApp _app = null!;

    [SetUp]
    public async Task SetUp()
    {
        _app = await WebhookApp.StartAsync(webhooks => WebhookApp.Warehouse(webhooks));
        using var response = await _app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/wms-shipments", Requests.Shipments));
        response.EnsureSuccessStatusCode();
    }

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [Test]
    public async Task Tasks_are_listed_with_every_field()
    {
        var page = await GetJsonAsync("/api/v1/tasks");

        var items = page.GetProperty("items").EnumerateArray().ToList();
        items.Should().HaveCount(4);
        items[0].EnumerateObject().Select(p => p.Name).Should().Equal(TaskKeys);
        items[0].GetProperty("status").GetString().Should().Be("New");
        items[0].GetProperty("lastError").ValueKind.Should().Be(JsonValueKind.Null);
        items[0].GetProperty("entity").GetProperty("orderId").GetString().Should().Be("7");
        page.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Test]
    public async Task Tasks_are_filtered_and_paged_with_a_cursor()
    {
        var first = await GetJsonAsync("/api/v1/tasks?route=complete-order-in-erp&limit=1");
        var cursor = first.GetProperty("next").GetString();
        var second = await GetJsonAsync($"/api/v1/tasks?route=complete-order-in-erp&limit=1&cursor={cursor}");
        var none = await GetJsonAsync("/api/v1/tasks?webhook=other");
        var anyCase = await GetJsonAsync("/api/v1/tasks?webhook=WMS-Shipments&route=Complete-Order-In-ERP");
        var fresh = await GetJsonAsync("/api/v1/tasks?status=new&webhook=wms-shipments");

        first.GetProperty("items").EnumerateArray().Single().GetProperty("entity").GetProperty("orderId").GetString().Should().Be("7");
        second.GetProperty("items").EnumerateArray().Single().GetProperty("entity").GetProperty("orderId").GetString().Should().Be("8");
        second.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
        none.GetProperty("items").GetArrayLength().Should().Be(0);
        anyCase.GetProperty("items").GetArrayLength().Should().Be(2, "identifiers match case-insensitively everywhere");
        fresh.GetProperty("items").GetArrayLength().Should().Be(4);
    }

    [Test]
    public async Task Tasks_are_filtered_by_request_and_status_after_processing()
    {
        var requestId = (await GetJsonAsync("/api/v1/tasks")).GetProperty("items")[0].GetProperty("requestId").GetString();
        await _app.App.Services.GetRequiredService<WebhookTaskProcessor>().ProcessAllDueAsync(CancellationToken.None);

        var finished = await GetJsonAsync($"/api/v1/tasks?status=Finished&requestId={requestId}");
        var fresh = await GetJsonAsync("/api/v1/tasks?status=New");

        finished.GetProperty("items").GetArrayLength().Should().Be(4);
        finished.GetProperty("items")[0].GetProperty("attempts").GetInt32().Should().Be(1);
        fresh.GetProperty("items").GetArrayLength().Should().Be(0);
    }

    [Test]
    public async Task One_task_is_returned_by_id()
    {
        var id = (await GetJsonAsync("/api/v1/tasks")).GetProperty("items")[1].GetProperty("id").GetString();

        var task = await GetJsonAsync($"/api/v1/tasks/{id}");

        task.GetProperty("id").GetString().Should().Be(id);
        task.EnumerateObject().Select(p => p.Name).Should().Equal([.. TaskKeys[..^1], "history", "entity"]);
        task.GetProperty("history").GetArrayLength().Should().Be(0);
    }

    [TestCase("/api/v1/tasks/not-a-guid")]
    [TestCase("/api/v1/tasks/0192f0c4-0000-7000-8000-000000000000")]
    public async Task An_unknown_task_is_404_problem_details(string path)
    {
        using var response = await _app.Client.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.MediaType()!.MediaType.Should().Be("application/problem+json");
    }

    [TestCase("status=Lost", "status 'Lost' is not one of")]
    [TestCase("status=3", "status '3' is not one of")]
    [TestCase("status=Finished,Failed", "status 'Finished,Failed' is not one of")]
    [TestCase("limit=0", "limit '0' must be")]
    [TestCase("limit=501", "limit '501' must be")]
    [TestCase("limit=ten", "limit 'ten' must be")]
    [TestCase("cursor=abc", "cursor 'abc' is not a cursor")]
    public async Task A_bad_query_is_400_problem_details(string query, string expected)
    {
        using var response = await _app.Client.GetAsync("/api/v1/tasks?" + query);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).GetProperty("detail").GetString().Should().Contain(expected);
    }

    [Test]
    public async Task A_failed_task_shows_its_history_and_is_retried_by_id_then_delivered()
    {
        var calls = 0;
        await using var app = await WebhookApp.StartAsync(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("erp", outgoing => outgoing.Deliver((_, _, _) => ValueTask.FromResult(++calls == 1
                ? OutgoingResult.PermanentFailure("answered 400 Bad Request: unknown order", 400)
                : OutgoingResult.Success(200))))
            .AddRoute("erp", route => route.From("in").To("erp")));
        using (var sent = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/hook", """[{"id":1}]""", token: null, mediaType: "application/json")))
        {
            sent.EnsureSuccessStatusCode();
        }

        var processor = app.App.Services.GetRequiredService<WebhookTaskProcessor>();
        await processor.ProcessAllDueAsync(CancellationToken.None);
        var id = (await GetJsonAsync(app, "/api/v1/tasks?status=Failed")).GetProperty("items")[0].GetProperty("id").GetString();
        var failed = await GetJsonAsync(app, $"/api/v1/tasks/{id}");
        using var retry = await app.Client.PostAsync($"/api/v1/tasks/{id}/retry", null);
        var retried = await retry.JsonAsync();
        using var again = await app.Client.PostAsync($"/api/v1/tasks/{id}/retry", null);
        await processor.ProcessAllDueAsync(CancellationToken.None);
        var done = await GetJsonAsync(app, $"/api/v1/tasks/{id}");

        var attempt = failed.GetProperty("history").EnumerateArray().Single();
        attempt.GetProperty("attempt").GetInt32().Should().Be(1);
        attempt.GetProperty("outcome").GetString().Should().Be("Failed");
        attempt.GetProperty("error").GetString().Should().Be("Outgoing 'erp': answered 400 Bad Request: unknown order");
        attempt.GetProperty("statusCode").GetInt32().Should().Be(400);
        retry.StatusCode.Should().Be(HttpStatusCode.OK);
        retried.GetProperty("status").GetString().Should().Be("Retry");
        retried.TryGetProperty("nextAttemptAt", out _).Should().BeTrue();
        again.StatusCode.Should().Be(HttpStatusCode.Conflict, "only a failed task can be retried");
        (await again.JsonAsync()).GetProperty("detail").GetString().Should().Contain("is Retry");
        done.GetProperty("status").GetString().Should().Be("Finished");
        done.GetProperty("attempts").GetInt32().Should().Be(2);
        done.GetProperty("history").EnumerateArray().Select(a => a.GetProperty("outcome").GetString()).Should().Equal("Failed", "Finished");
        done.GetProperty("history").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32()).Should().Equal(400, 200);
    }

    [Test]
    public async Task Tasks_show_their_captures_and_branches_their_parent()
    {
        var delivered = new System.Collections.Concurrent.ConcurrentBag<string>();
        await using var app = await WebhookApp.StartAsync(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("orders.*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("shop", outgoing => outgoing.Deliver((entity, _, _) =>
            {
                delivered.Add(entity.ToJsonString());
                return ValueTask.FromResult(OutgoingResult.Success(200));
            }))
            .AddRoute("lines", route => route.From("in").To("shop").SetValue("lines.*.order", "$1").Branch("lines")));
        using (var sent = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/hook", """{"orders":{"A1":{"lines":[{"sku":"x"},{"sku":"y"}]}}}""", token: null, mediaType: "application/json")))
        {
            sent.EnsureSuccessStatusCode();
        }

        await app.App.Services.GetRequiredService<WebhookTaskProcessor>().ProcessAllDueAsync(CancellationToken.None);
        var items = (await GetJsonAsync(app, "/api/v1/tasks")).GetProperty("items").EnumerateArray().ToList();

        items.Should().HaveCount(3);
        var parent = items[0];
        parent.GetProperty("captures").EnumerateArray().Select(c => c.GetString()).Should().Equal("A1");
        parent.TryGetProperty("parentId", out _).Should().BeFalse();
        foreach (var branch in items.Skip(1))
        {
            branch.GetProperty("parentId").GetString().Should().Be(parent.GetProperty("id").GetString());
            branch.GetProperty("firstTransformer").GetInt32().Should().Be(2);
            branch.GetProperty("requestId").GetString().Should().Be(parent.GetProperty("requestId").GetString());
            branch.GetProperty("status").GetString().Should().Be("Finished");
        }

        delivered.Should().BeEquivalentTo(["""{"sku":"x","order":"A1"}""", """{"sku":"y","order":"A1"}"""]);
    }

    [Test]
    public async Task Failed_tasks_are_retried_in_bulk_by_filter()
    {
        await using var app = await WebhookApp.StartAsync(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
            .AddWebhook("hook", webhook => webhook.Incoming("in"))
            .AddOutgoing("down", outgoing => outgoing.Deliver((_, _, _) => ValueTask.FromResult(OutgoingResult.PermanentFailure("answered 404", 404))))
            .AddRoute("erp", route => route.From("in").To("down"))
            .AddRoute("shop", route => route.From("in").To("down")));
        using (var sent = await app.Client.SendAsync(Requests.Webhook("/api/v1/webhook/hook", "[1,2,3]", token: null, mediaType: "application/json")))
        {
            sent.EnsureSuccessStatusCode();
        }

        await app.App.Services.GetRequiredService<WebhookTaskProcessor>().ProcessAllDueAsync(CancellationToken.None);
        using var erp = await app.Client.PostAsync("/api/v1/tasks/retry?status=Failed&route=erp", null);
        using var none = await app.Client.PostAsync("/api/v1/tasks/retry?route=erp", null);
        using var wrongStatus = await app.Client.PostAsync("/api/v1/tasks/retry?status=Finished", null);
        using var unknown = await app.Client.PostAsync("/api/v1/tasks/0192f0c4-0000-7000-8000-000000000000/retry", null);

        (await erp.JsonAsync()).GetProperty("retried").GetInt32().Should().Be(3);
        (await none.JsonAsync()).GetProperty("retried").GetInt32().Should().Be(0);
        wrongStatus.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        unknown.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await GetJsonAsync(app, "/api/v1/tasks?status=Retry")).GetProperty("items").EnumerateArray().Should().OnlyContain(t => t.GetProperty("route").GetString() == "erp").And.HaveCount(3);
        (await GetJsonAsync(app, "/api/v1/tasks?status=Failed&route=shop")).GetProperty("items").GetArrayLength().Should().Be(3);
    }

    private static async Task<JsonElement> GetJsonAsync(WebhookApp app, string path)
    {
        using var response = await app.Client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    private async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _app.Client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }
}
