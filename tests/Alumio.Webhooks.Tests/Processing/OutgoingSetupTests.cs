using System.Text.Json.Nodes;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Processing;

/// <summary>The ways a host names an outgoing: <c>no-action</c>, a type of its own from DI, and a prototype of its own in configuration.</summary>
public class OutgoingSetupTests
{
    [Test]
    public async Task A_no_action_outgoing_finishes_its_tasks_without_delivering_while_the_other_route_delivers()
    {
        var sink = new RecordingOutgoing();
        var json = """
            { "Alumio": {
                "Webhooks": { "hook": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "nothing": { "Prototype": "no-action" } },
                "Routes": {
                    "r-nothing": { "Incoming": "in", "Outgoing": "nothing" },
                    "r-sink": { "Incoming": "in", "Outgoing": "sink" } } } }
            """;
        await using var host = TestHost.Create(webhooks => webhooks
            .AddConfiguration(ConfigurationJsonFile.Section(json))
            .AddOutgoing("sink", outgoing => outgoing.Use(sink)));
        (await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"id":1}"""), CancellationToken.None)).Succeeded.Should().BeTrue();

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        var tasks = await host.AllTasksAsync();
        tasks.Should().HaveCount(2).And.OnlyContain(task => task.Status == WebhookTaskStatus.Finished);
        sink.Sent.Should().Equal("""{"id":1}""");
    }

    [Test]
    public async Task An_outgoing_type_of_your_own_gets_its_constructor_arguments_from_the_services()
    {
        var ledger = new Ledger();
        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson())
                .AddWebhook("hook", webhook => webhook.Incoming("in"))
                .AddOutgoing("ledger", outgoing => outgoing.Use<LedgerOutgoing>())
                .AddRoute("r", route => route.From("in").To("ledger")),
            services => services.AddSingleton(ledger));
        (await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"id":7}"""), CancellationToken.None)).Succeeded.Should().BeTrue();

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        ledger.Lines.Should().Equal("""r: {"id":7}""");
        (await host.AllTasksAsync()).Single().Status.Should().Be(WebhookTaskStatus.Finished);
    }

    [Test]
    public async Task An_outgoing_prototype_of_your_own_is_named_in_configuration_and_reads_its_settings()
    {
        var ledger = new Ledger();
        var json = """
            { "Alumio": {
                "Webhooks": { "hook": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "book": { "Prototype": "ledger", "Prefix": "shipped" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "book" } } } }
            """;
        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddConfiguration(ConfigurationJsonFile.Section(json))
                .AddOutgoingPrototype("ledger", context => new LedgerOutgoing(context.Services.GetRequiredService<Ledger>(), context.GetRequiredString("Prefix"))),
            services => services.AddSingleton(ledger));
        (await host.Receiver.ReceiveAsync("hook", new TestRequest("""{"id":9}"""), CancellationToken.None)).Succeeded.Should().BeTrue();

        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        ledger.Lines.Should().Equal("""shipped: {"id":9}""");
    }

    [Test]
    public async Task A_prototype_of_your_own_that_misses_a_setting_is_a_start_up_error_naming_it()
    {
        var json = """
            { "Alumio": {
                "Webhooks": { "hook": { "Incoming": "in" } },
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "book": { "Prototype": "ledger" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "book" } } } }
            """;

        await using var host = TestHost.Create(
            webhooks => webhooks
                .AddConfiguration(ConfigurationJsonFile.Section(json))
                .AddOutgoingPrototype("ledger", context => new LedgerOutgoing(new Ledger(), context.GetRequiredString("Prefix"))));

        var start = () => host.Services.GetRequiredService<WebhookModel>();

        start.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().ContainSingle().Which.Should().Contain("Outgoing:book:Prefix");
    }

    /// <summary>A service the outgoing below depends on.</summary>
    public sealed class Ledger
    {
        public List<string> Lines { get; } = [];
    }

    /// <summary>An outgoing of a host's own: writes each entity to the ledger.</summary>
    public sealed class LedgerOutgoing(Ledger ledger, string? prefix = null) : IOutgoing
    {
        public ValueTask<OutgoingResult> SendAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
        {
            lock (ledger.Lines)
            {
                ledger.Lines.Add($"{prefix ?? context.Task.Route}: {entity.ToJsonString()}");
            }

            return ValueTask.FromResult(OutgoingResult.Success());
        }
    }
}
