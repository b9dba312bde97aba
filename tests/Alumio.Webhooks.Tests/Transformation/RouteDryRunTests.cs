using System.Text.Json.Nodes;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Transformation;

public class RouteDryRunTests
{
    [Test]
    public async Task A_dry_run_transforms_a_copy_and_stores_and_delivers_nothing()
    {
        var sink = new RecordingOutgoing();
        TaskContext? seen = null;
        await using var host = Host(sink, route => route
            .Transform(new DelegateEntityTransformer((entity, context, _) =>
            {
                seen = context;
                return ValueTask.FromResult(EntityTransformResult.Continue(entity));
            }))
            .SetValue("status", "shipped &{orderId}"));
        var sample = Entities.Parse("""{"orderId":"7"}""");

        var result = await host.Services.GetRequiredService<RouteDryRun>().RunAsync("R", sample, CancellationToken.None);

        result.Status.Should().Be(RouteDryRunStatus.Continue);
        result.Entity.ShouldBeJson("""{"orderId":"7","status":"shipped 7"}""");
        result.Entities.Should().ContainSingle();
        result.Reason.Should().BeNull();
        result.Branched.Should().BeFalse();
        sample.ToJsonString().Should().Be("""{"orderId":"7"}""", "the sample is copied, not changed");
        seen!.IsDryRun.Should().BeTrue();
        seen.Task.RequestId.Should().Be(RouteDryRun.DryRunId);
        seen.Task.Route.Should().Be("r");
        sink.Sent.Should().BeEmpty();
        (await host.AllTasksAsync()).Should().BeEmpty();
    }

    [Test]
    public async Task A_dry_run_tells_a_skip_and_a_failure()
    {
        await using var host = Host(new RecordingOutgoing(), route => route
            .Filter(new ExistsCondition("orderId"))
            .SetType("orderId", EntityValueType.Int));
        var dryRun = host.Services.GetRequiredService<RouteDryRun>();

        var skipped = await dryRun.RunAsync("r", Entities.Parse("{}"), CancellationToken.None);
        var failed = await dryRun.RunAsync("r", Entities.Parse("""{"orderId":"x7"}"""), CancellationToken.None);

        skipped.Status.Should().Be(RouteDryRunStatus.Skipped);
        skipped.Entity.Should().BeNull();
        skipped.Reason.Should().Be("Filter condition not met: orderId exists");
        failed.Status.Should().Be(RouteDryRunStatus.Failed);
        failed.Entity.Should().BeNull();
        failed.Reason.Should().Be("Route 'r', transformer 1 (type-setter), at 'orderId': The value \"x7\" is not a whole number.");
    }

    [Test]
    public async Task A_dry_run_of_a_brancher_tells_the_branches_and_why_some_were_skipped()
    {
        await using var host = Host(new RecordingOutgoing(), route => route
            .Branch("lines")
            .Filter(new NotCondition(new EqualsCondition("sku", "GIFT"))));

        var result = await host.Services.GetRequiredService<RouteDryRun>().RunAsync("r", Entities.Parse("""{"lines":[{"sku":"A"},{"sku":"GIFT"},{"sku":"B"}]}"""), CancellationToken.None);

        result.Status.Should().Be(RouteDryRunStatus.Continue);
        result.Branched.Should().BeTrue();
        result.Entity.ShouldBeJson("""[{"sku":"A"},{"sku":"B"}]""");
        result.Reason.Should().Be("1 of 3 branches were skipped. Branch 2: Filter condition not met: not (sku equals \"GIFT\")");
    }

    [Test]
    public async Task A_dry_run_of_an_unknown_route_is_refused()
    {
        await using var host = Host(new RecordingOutgoing(), _ => { });

        var act = async () => await host.Services.GetRequiredService<RouteDryRun>().RunAsync("nope", new JsonObject(), CancellationToken.None);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("No route is named 'nope'.*");
    }

    private static TestHost Host(RecordingOutgoing sink, Action<Alumio.Webhooks.Configuration.RouteBuilder> route) => TestHost.Create(webhooks => webhooks
        .AddIncoming("in", incoming => incoming.ParseJson())
        .AddWebhook("hook", webhook => webhook.Incoming("in"))
        .AddOutgoing("sink", outgoing => outgoing.Use(sink))
        .AddRoute("r", r => route(r.From("in").To("sink"))));
}
