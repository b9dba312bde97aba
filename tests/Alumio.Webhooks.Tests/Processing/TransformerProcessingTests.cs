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
    public async Task A_brancher_makes_a_task_of_each_branch_that_the_transformers_after_it_run_on()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route
            .SetValue("lines.*.orderId", "&{orderId}")
            .Branch("lines")
            .SetType("qty", EntityValueType.Int));
        await Receive(host, """{"orderId":"7","lines":[{"sku":"A","qty":"2"},{"sku":"B","qty":"1"}]}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().BeEquivalentTo(["""{"sku":"A","qty":2,"orderId":"7"}""", """{"sku":"B","qty":1,"orderId":"7"}"""], "branch tasks are delivered on their own, in any order");
        var tasks = await host.AllTasksAsync();
        tasks.Should().HaveCount(3);
        var parent = tasks[0];
        parent.Status.Should().Be(WebhookTaskStatus.Finished);
        parent.LastError.Should().BeNull();
        parent.ParentId.Should().BeNull();
        (await host.Store.GetAttemptsAsync(parent.Id, CancellationToken.None)).Should().ContainSingle().Which.Outcome.Should().Be(WebhookTaskStatus.Finished);
        foreach (var branch in tasks.Skip(1))
        {
            branch.Status.Should().Be(WebhookTaskStatus.Finished);
            branch.ParentId.Should().Be(parent.Id);
            branch.RequestId.Should().Be(parent.RequestId);
            branch.Route.Should().Be(parent.Route);
            branch.FirstTransformer.Should().Be(2, "the transformers before the brancher ran on the parent");
            branch.Captures.Should().Equal(parent.Captures, "the pattern 'lines' has no wildcard key of its own");
        }

        tasks[1].Entity.GetRawText().Should().Be("""{"sku":"A","qty":"2","orderId":"7"}""", "a branch is stored as the brancher split it");
    }

    [Test]
    public async Task A_failed_branch_is_retried_on_its_own()
    {
        var sink = new RecordingOutgoing(entity => entity["sku"]!.GetValue<string>() == "B" ? OutgoingResult.TransientFailure("answered 503", 503) : OutgoingResult.Success(200));
        await using var host = Host(sink, route => route.Branch("lines").Retry(1));
        await Receive(host, """{"lines":[{"sku":"A"},{"sku":"B"}]}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        var b = (await host.AllTasksAsync())[2];
        b.Status.Should().Be(WebhookTaskStatus.Retry);
        b.LastError.Should().Be("Outgoing 'sink': answered 503");
        host.Time.Advance(TimeSpan.FromMinutes(1));
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().BeEquivalentTo(["""{"sku":"A"}""", """{"sku":"B"}""", """{"sku":"B"}"""], "A is delivered once, B twice");
        (await host.AllTasksAsync()).Select(task => task.Status).Should().Equal(WebhookTaskStatus.Finished, WebhookTaskStatus.Finished, WebhookTaskStatus.Failed);
        (await host.Store.GetAttemptsAsync(b.Id, CancellationToken.None)).Select(attempt => attempt.StatusCode).Should().Equal(503, 503);
    }

    [Test]
    public async Task An_attempt_keeps_the_status_code_of_its_answer_and_none_when_the_delivery_threw()
    {
        var calls = 0;
        var sink = new RecordingOutgoing(_ => ++calls switch
        {
            1 => throw new HttpRequestException("connection refused"),
            _ => OutgoingResult.Success(202),
        });
        await using var host = Host(sink, route => route.Retry(3));
        await Receive(host, """{"sku":"A"}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Finished);
        (await host.Store.GetAttemptsAsync(task.Id, CancellationToken.None)).Select(attempt => attempt.StatusCode).Should().Equal([null, 202]);
    }

    [Test]
    public async Task A_branch_a_filter_skips_ends_skipped_and_a_brancher_that_finds_nothing_skips_its_task()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route
            .Branch("lines")
            .Filter(new NotCondition(new EqualsCondition("sku", "GIFT"))));
        await Receive(host, """[{"lines":[{"sku":"A"},{"sku":"GIFT"}]},{"lines":[]}]""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Should().Equal("""{"sku":"A"}""");
        var tasks = await host.AllTasksAsync();
        tasks.Select(task => task.Status).Should().Equal(WebhookTaskStatus.Finished, WebhookTaskStatus.Skipped, WebhookTaskStatus.Finished, WebhookTaskStatus.Skipped);
        tasks[1].LastError.Should().Be("The brancher (transformer 0) found nothing at 'lines'.");
        tasks[3].ParentId.Should().Be(tasks[0].Id);
        tasks[3].LastError.Should().Be("Filter condition not met: not (sku equals \"GIFT\")");
    }

    [Test]
    public async Task Branchers_in_a_row_split_branches_again_and_a_brancher_with_a_wildcard_key_adds_its_capture()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route
            .Branch("orders")
            .Branch("lines.*")
            .SetValue("at", "item $1, line $2"));
        await Receive(host, """{"orders":[{"lines":[{"sku":"A"},{"sku":"B"}]},{"lines":[{"sku":"C"}]}]}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        sink.Sent.Order().Should().Equal("""{"sku":"A","at":"item 0, line 0"}""", """{"sku":"B","at":"item 0, line 1"}""", """{"sku":"C","at":"item 0, line 0"}""");
        var tasks = await host.AllTasksAsync();
        tasks.Should().HaveCount(6, "one item, two orders, three lines");
        tasks[0].Captures.Should().Equal(["0"], "the pattern to items '*' matched index 0 of the body's array");
        var orders = tasks.Where(task => task.ParentId == tasks[0].Id).ToList();
        orders.Should().HaveCount(2).And.OnlyContain(task => task.FirstTransformer == 1 && task.Captures.SequenceEqual(new[] { "0" }));
        var lines = tasks.Where(task => task.FirstTransformer == 2).ToList();
        lines.Should().HaveCount(3).And.OnlyContain(task => orders.Any(order => order.Id == task.ParentId));
        lines.Select(task => string.Join(",", task.Captures)).Order().Should().Equal("0,0", "0,0", "0,1");
    }

    [Test]
    public async Task A_branch_whose_route_no_longer_has_its_brancher_fails_instead_of_starting_at_the_wrong_transformer()
    {
        var sink = new RecordingOutgoing();
        await using var host = Host(sink, route => route.SetValue("a", "1").SetValue("b", "2"));
        var now = host.Time.GetUtcNow();
        var branch = new WebhookTask(Guid.CreateVersion7(now), "r", "hook", "r", "{}"u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now) { ParentId = Guid.CreateVersion7(now), FirstTransformer = 1 };
        await host.Store.AddAsync([branch], CancellationToken.None);

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Failed);
        task.LastError.Should().Be("Route 'r': the task is a branch that starts at transformer 1, after a brancher, but the route's transformers have changed and transformer 0 is no longer a brancher.");
        sink.Sent.Should().BeEmpty();
    }

    [Test]
    public async Task A_capture_the_task_does_not_have_fails_it_naming_the_capture()
    {
        await using var host = Host(new RecordingOutgoing(), route => route.SetValue("at", "$2").Retry(3));
        await Receive(host, """{"sku":"A"}""");

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var task = (await host.AllTasksAsync()).Single();
        task.Status.Should().Be(WebhookTaskStatus.Failed);
        task.LastError.Should().Be("Route 'r', transformer 0 (value-setter), at 'at': The capture $2 has no value: the task has 1 capture, so $1 to $1.");
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
