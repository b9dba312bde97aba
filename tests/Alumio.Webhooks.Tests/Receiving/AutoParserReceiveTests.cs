using System.Text.Json;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Tests.Support;

namespace Alumio.Webhooks.Tests.Receiving;

/// <summary>The <c>auto</c> parser behind a webhook: each request read by its content type, others refused with 415.</summary>
public class AutoParserReceiveTests
{
    private TestHost _host = null!;

    [SetUp]
    public void SetUp() => _host = TestHost.Create(webhooks => webhooks
        .AddIncoming("orders", incoming => incoming.ParseAuto().PatternToItems("orders.*"))
        .AddWebhook("orders", webhook => webhook.Incoming("orders"))
        .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing()))
        .AddRoute("to-sink", route => route.From("orders").To("sink")));

    [TearDown]
    public async Task TearDown() => await _host.DisposeAsync();

    [TestCase("application/json", """{"orders":[{"id":"1"},{"id":"2"}]}""")]
    [TestCase("application/xml; charset=utf-8", """<orders><order><id>1</id></order><order><id>2</id></order></orders>""")]
    [TestCase("application/yaml", """{orders: [{id: 1}, {id: 2}]}""")]
    [TestCase("application/x-www-form-urlencoded", "orders[][id]=1&orders[][id]=2")]
    public async Task Each_request_is_read_by_its_own_content_type(string contentType, string body)
    {
        var result = await _host.Receiver.ReceiveAsync("orders", new TestRequest(body, contentType), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
        var tasks = await _host.AllTasksAsync();
        tasks.Select(t => JsonSerializer.Serialize(t.Entity)).Should().Equal("""{"id":"1"}""", """{"id":"2"}""");
    }

    [Test]
    public async Task A_request_without_a_content_type_is_415_and_stores_nothing()
    {
        var result = await _host.Receiver.ReceiveAsync("orders", new TestRequest("""{"orders":[{"id":"1"}]}""", contentType: null), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.Problem!.StatusCode.Should().Be(415);
        result.Problem.Title.Should().Be("Unsupported media type");
        result.Problem.Detail.Should().StartWith("The request has no content type; send one of: application/json, text/json, */*+json, ")
            .And.EndWith(", application/octet-stream.");
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [TestCase("text/plain")]
    [TestCase("application/json-seq")]
    [TestCase("multipart/form-data; boundary=b")]
    public async Task A_request_of_another_content_type_is_415_naming_it_and_stores_nothing(string contentType)
    {
        var result = await _host.Receiver.ReceiveAsync("orders", new TestRequest("""{"orders":[{"id":"1"}]}""", contentType), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(415);
        result.Problem.Title.Should().Be("Unsupported media type");
        result.Problem.Detail.Should().Be($"The content type '{contentType}' is not supported; send one of: {string.Join(", ", AutoParser.AcceptedMediaTypes)}.");
        result.Problem.Line.Should().BeNull();
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_malformed_body_of_a_known_content_type_is_still_400()
    {
        var result = await _host.Receiver.ReceiveAsync("orders", new TestRequest("""{"orders":[{"id":"1"},""", "application/json"), CancellationToken.None);

        result.Problem!.StatusCode.Should().Be(400);
        (await _host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_webhook_feeding_two_auto_incomings_refuses_an_unknown_type_once_with_415()
    {
        await using var host = TestHost.Create(webhooks => webhooks
            .AddIncoming("a", incoming => incoming.ParseAuto())
            .AddIncoming("b", incoming => incoming.ParseAuto(new AutoParserOptions { ReadMethod = XmlReadMethod.Incremental }).PatternToItems("orders.*"))
            .AddWebhook("hook", webhook => webhook.Incoming("a").Incoming("b"))
            .AddOutgoing("sink", outgoing => outgoing.Use(new RecordingOutgoing()))
            .AddRoute("ra", route => route.From("a").To("sink"))
            .AddRoute("rb", route => route.From("b").To("sink")));

        var refused = await host.Receiver.ReceiveAsync("hook", new TestRequest("<orders/>", "text/html"), CancellationToken.None);
        var accepted = await host.Receiver.ReceiveAsync("hook", new TestRequest("<orders><order/><order/></orders>", "text/xml"), CancellationToken.None);

        refused.Problem!.StatusCode.Should().Be(415);
        accepted.Succeeded.Should().BeTrue();
        accepted.Items.Should().Be(3);
        (await host.AllTasksAsync()).Should().HaveCount(3);
    }
}
