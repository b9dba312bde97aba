using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;

namespace Alumio.Webhooks.AspNetCore.Tests.Endpoints;

public class MappingTests
{
    [Test]
    public async Task Mapping_without_AddAlumioWebhooks_throws_a_friendly_error()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();

        FluentActions.Invoking(() => app.MapWebhooks()).Should().Throw<InvalidOperationException>()
            .WithMessage("*builder.Services.AddAlumioWebhooks(...) before app.MapWebhooks()*");
        FluentActions.Invoking(() => app.MapWebhookTasks()).Should().Throw<InvalidOperationException>()
            .WithMessage("*before app.MapWebhookTasks()*");
    }

    [Test]
    public async Task MapWebhook_names_the_configured_webhooks_when_the_identifier_is_unknown()
    {
        var act = async () => await WebhookApp.StartAsync(webhooks => WebhookApp.Warehouse(webhooks), map: app => app.MapWebhook("wms"));

        await act.Should().ThrowAsync<InvalidOperationException>().WithMessage("MapWebhook(\"wms\"): no webhook has that identifier. Configured: wms-shipments.");
    }

    [Test]
    public async Task A_broken_configuration_stops_start_up_listing_every_problem()
    {
        var act = async () => await WebhookApp.StartAsync(
            webhooks => webhooks
                .AddWebhook("hook", webhook => webhook.Incoming("in"))
                .AddRoute("r", route => route.From("in").To("nowhere"))
                .ConfigureProcessor(o => o.MaxConcurrency = 0),
            map: _ => { });

        var errors = (await act.Should().ThrowAsync<AlumioConfigurationException>()).Which.Errors;
        errors.Should().HaveCount(4);
        errors.Should().Contain("The route 'r' (declared in code) names incoming 'in', which is not configured.");
        errors.Should().Contain("The route 'r' (declared in code) names outgoing 'nowhere', which is not configured.");
        errors.Should().Contain("The webhook 'hook' (declared in code) feeds incoming 'in', which is not configured.");
        errors.Should().Contain("Processor: MaxConcurrency must be between 1 and 256; it is 0.");
    }
}
