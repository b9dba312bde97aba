using System.Text.Json.Nodes;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Processing;

public class TransformerProcessingTests
{
    [Test]
    public async Task An_error_in_the_data_fails_the_task_at_once_naming_route_transformer_and_path()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route
            .SetValue("status", "shipped")
            .MapValue("carrier", new Dictionary<string, string> { ["PostNL"] = "PNL" })
            .Retry(5));
        await Receive(host, """[{"carrier":"PostNL"},{"carrier":{"name":"DHL"}}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().ContainSingle();
        var failed = (await host.AllTasksAsync()).Should().ContainSingle(t => t.Status == WebhookTaskStatus.Failed).Which;
        failed.Attempts.Should().Be(1, "a mapping error will not fix itself on a retry, however many the route allows");
        failed.LastError.Should().Be("Route 'r', transformer 1 (value-mapper), at 'carrier': The value is an object; only strings, numbers and booleans are mapped.");
    }

    [Test]
    public async Task A_missing_placeholder_fails_the_task_at_once()
    {
        await using var host = Host(new RecordingOutgoing(), route => route.Merge(new JsonObject { ["order"] = "&{orderId}" }).Retry(5));
        await Receive(host, """{"id":1}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Failed);
        task.LastError.Should().Be("Route 'r', transformer 0 (merger): The placeholder &{orderId} has no value in the entity.");
    }

    [Test]
    public async Task A_placeholder_error_from_code_of_your_own_fails_the_task_at_once()
    {
        var template = PlaceholderTemplate.Parse("orders/&{orderId}");
        await using var host = Host(new RecordingOutgoing(), route => route
            .Transform(entity => new JsonObject { ["url"] = template.Render(entity) })
            .Retry(5));
        await Receive(host, """{"id":1}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Failed);
        task.LastError.Should().Be("Route 'r', transformer 0 (code): The placeholder &{orderId} has no value in the entity.");
    }

    [Test]
    public async Task Other_exceptions_from_transformers_are_retried_as_before()
    {
        await using var host = Host(new RecordingOutgoing(), route => route
            .Transform(_ => throw new TimeoutException("lookup timed out"))
            .Retry(1));
        await Receive(host, """{"id":1}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Retry);
        task.LastError.Should().Be("Route 'r', transformer 0 (code): TimeoutException: lookup timed out");
    }

    [Test]
    public async Task Errors_inside_a_conditional_name_the_nested_transformer()
    {
        await using var host = Host(new RecordingOutgoing(), route => route
            .When(new ExistsCondition("qty"), [new TypeSetterTransformer("qty", EntityValueType.Int)]));
        await Receive(host, """{"qty":"two"}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        (await host.AllTasksAsync()).Single().LastError
            .Should().Be("Route 'r', transformer 0 (conditional) > Then 0 (type-setter), at 'qty': The value \"two\" is not a whole number.");
    }

    [Test]
    public async Task A_filter_skips_the_task_with_its_condition()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route.Filter(new EqualsCondition("type", "shipment")));
        await Receive(host, """[{"type":"shipment"},{"type":"return"}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().ContainSingle();
        var skipped = (await host.AllTasksAsync()).Single(t => t.Status == WebhookTaskStatus.Skipped);
        skipped.LastError.Should().Be("Filter condition not met: type equals \"shipment\"");
    }

    [Test]
    public async Task A_brancher_delivers_each_branch_in_turn_with_the_transformers_after_it()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route
            .SetValue("lines.*.orderId", "&{orderId}")
            .Branch("lines")
            .SetType("qty", EntityValueType.Int));
        await Receive(host, """{"orderId":"7","lines":[{"sku":"A","qty":"2"},{"sku":"B","qty":"1"}]}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().Equal("""{"sku":"A","qty":2,"orderId":"7"}""", """{"sku":"B","qty":1,"orderId":"7"}""");
        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Finished);
        task.LastError.Should().BeNull();
    }

    [Test]
    public async Task An_attempt_keeps_the_status_code_of_its_last_answer_and_none_when_the_last_delivery_threw()
    {
        var calls = 0;
        var sink = new RecordingOutgoing(_ => ++calls switch
        {
            1 => OutgoingResult.Success(201),
            2 => throw new HttpRequestException("connection refused"),
            3 => OutgoingResult.Success(200),
            _ => OutgoingResult.Success(202),
        });
        await using var host = Host(sink, route => route.Branch("lines").Retry(3));
        await Receive(host, """{"lines":[{"sku":"A"},{"sku":"B"}]}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Finished);
        (await host.Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Select(attempt => attempt.StatusCode)
            .Should().Equal([null, 202], "branch 2 threw after branch 1's 201; the retry's last answer was 202");
    }

    [Test]
    public async Task Skipped_branches_are_not_delivered_and_a_task_with_none_left_is_skipped()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route
            .Branch("lines")
            .Filter(new NotCondition(new EqualsCondition("sku", "GIFT"))));
        await Receive(host, """[{"lines":[{"sku":"A"},{"sku":"GIFT"}]},{"lines":[{"sku":"GIFT"},{"sku":"GIFT"}]},{"lines":[]}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().Equal("""{"sku":"A"}""");
        var tasks = await host.AllTasksAsync();
        tasks[0].Status.Should().Be(WebhookTaskStatus.Finished);
        tasks[1].Status.Should().Be(WebhookTaskStatus.Skipped);
        tasks[1].LastError.Should().Be("All 2 branches were skipped. Branch 1: Filter condition not met: not (sku equals \"GIFT\") Branch 2: Filter condition not met: not (sku equals \"GIFT\")");
        tasks[2].Status.Should().Be(WebhookTaskStatus.Skipped);
        tasks[2].LastError.Should().Be("The brancher (transformer 0) found nothing at 'lines'.");
    }

    [Test]
    public async Task A_failed_branch_fails_the_task_and_a_retry_delivers_every_branch_again()
    {
        var sink = new RecordingOutgoing(entity => entity["sku"]!.GetValue<string>() == "B" ? OutgoingResult.TransientFailure("answered 503") : OutgoingResult.Success());
        await using var host = Host(sink, route => route.Branch("lines").Retry(1));
        await Receive(host, """{"lines":[{"sku":"A"},{"sku":"B"}]}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var task = (await host.AllTasksAsync()).Single();
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        task.Status.Should().Be(WebhookTaskStatus.Retry);
        task.LastError.Should().Be("Branch 2 of 2: Outgoing 'sink': answered 503");
        sink.Sent.Should().Equal("""{"sku":"A"}""", """{"sku":"B"}""", """{"sku":"A"}""", """{"sku":"B"}""");
        (await host.AllTasksAsync()).Single().Status.Should().Be(WebhookTaskStatus.Failed);
    }

    [Test]
    public async Task A_configured_prototype_of_your_own_is_named_by_its_prototype_in_errors()
    {
        var json = """
            { "Alumio": {
                "Webhooks": { "hook": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "sink", "Transformers": [ { "Prototype": "explode" } ] } } } }
            """;
        await using var host = TestHost.Create(webhooks => webhooks
            .AddConfiguration(ConfigurationJsonFile.Section(json))
            .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing()))
            .AddTransformerPrototype("explode", _ => new DelegateEntityTransformer(_ => throw new TransformerException("cannot explode", "x"))));
        await Receive(host, """{"id":1}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        (await host.AllTasksAsync()).Single().LastError.Should().Be("Route 'r', transformer 0 (explode), at 'x': cannot explode");
    }

    private static TestHost Host(RecordingOutgoing sink, Action<RouteBuilder> route) => TestHost.Create(webhooks => webhooks
        .AddIncoming("in", incoming => incoming.ParseJson().PatternToItems("*"))
        .AddWebhook("hook", webhook => webhook.Incoming("in"))
        .AddOutgoing("sink", outgoing => outgoing.Use(sink))
        .AddRoute("r", r => route(r.From("in").To("sink"))));

    private static async Task Receive(TestHost host, string json)
    {
        // A top-level object is one item: wrap it, so "*" splits it back out.
        var body = json.TrimStart().StartsWith('[') ? json : "[" + json + "]";
        (await host.Receiver.ReceiveAsync("hook", new TestRequest(body), CancellationToken.None)).Succeeded.Should().BeTrue();
    }
}
