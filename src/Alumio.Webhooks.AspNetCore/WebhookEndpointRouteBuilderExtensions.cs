using Alumio.Webhooks.AspNetCore.Endpoints;
using Alumio.Webhooks.AspNetCore.Routes;
using Alumio.Webhooks.AspNetCore.Tasks;
using Alumio.Webhooks.Configuration;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Alumio.Webhooks endpoints.</summary>
public static class WebhookEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps every configured webhook at <c>{BasePath}/webhook/{identifier}</c> (by default
    /// <c>/api/v1/webhook/{identifier}</c>). Requests are answered with <c>200</c> and counts once all
    /// their tasks are stored, or with problem details: <c>404</c> for an unknown webhook, <c>405</c> for
    /// a method other than POST, the validator's status, or <c>400</c> for a malformed body.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder to add conventions such as rate limiting to all webhooks.</returns>
    /// <exception cref="InvalidOperationException"><c>AddAlumioWebhooks</c> was not called.</exception>
    /// <exception cref="AlumioConfigurationException">The webhook configuration is invalid.</exception>
    public static IEndpointConventionBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var basePath = Prepare(endpoints, nameof(MapWebhooks));
        var endpoint = WebhookEndpoint.Create(endpoints.ServiceProvider);
        return endpoints
            .Map(basePath + "/webhook/{identifier}", context => endpoint.HandleAsync(context, (string)context.Request.RouteValues["identifier"]!))
            .WithDisplayName("Alumio webhooks");
    }

    /// <summary>Maps one configured webhook at <c>{BasePath}/webhook/{identifier}</c>.</summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <param name="identifier">The webhook's identifier.</param>
    /// <returns>A builder to add conventions to this webhook.</returns>
    /// <exception cref="InvalidOperationException"><c>AddAlumioWebhooks</c> was not called, or no webhook has the identifier.</exception>
    /// <exception cref="AlumioConfigurationException">The webhook configuration is invalid.</exception>
    public static IEndpointConventionBuilder MapWebhook(this IEndpointRouteBuilder endpoints, string identifier)
    {
        ArgumentException.ThrowIfNullOrEmpty(identifier);
        var basePath = Prepare(endpoints, nameof(MapWebhook));
        var model = endpoints.ServiceProvider.GetRequiredService<WebhookModel>();
        if (!model.Webhooks.TryGetValue(identifier, out var webhook))
        {
            throw new InvalidOperationException(
                $"MapWebhook(\"{identifier}\"): no webhook has that identifier. Configured: {(model.Webhooks.Count == 0 ? "none" : string.Join(", ", model.Webhooks.Keys.Order(StringComparer.Ordinal)))}.");
        }

        var configured = webhook.Identifier;
        var endpoint = WebhookEndpoint.Create(endpoints.ServiceProvider);
        return endpoints
            .Map(basePath + "/webhook/" + configured, context => endpoint.HandleAsync(context, configured))
            .WithDisplayName("Alumio webhook " + configured);
    }

    /// <summary>
    /// Maps the tasks API at <c>{BasePath}/tasks</c>: <c>GET</c> lists tasks with the filters
    /// <c>webhook</c>, <c>route</c>, <c>status</c>, <c>requestId</c>, <c>limit</c> and <c>cursor</c>;
    /// <c>GET {BasePath}/tasks/{id}</c> returns one with its history of attempts; <c>POST {BasePath}/tasks/{id}/retry</c>
    /// makes a failed task due again, and <c>POST {BasePath}/tasks/retry</c> every failed task matching the same filters.
    /// Protect it like any endpoint, for example with
    /// <c>.RequireAuthorization()</c>: task entities hold your business data.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder to add conventions to the tasks API.</returns>
    /// <exception cref="InvalidOperationException"><c>AddAlumioWebhooks</c> was not called.</exception>
    public static IEndpointConventionBuilder MapWebhookTasks(this IEndpointRouteBuilder endpoints)
    {
        var basePath = Prepare(endpoints, nameof(MapWebhookTasks));
        var group = endpoints.MapGroup(basePath + "/tasks");
        group.MapGet(string.Empty, TaskEndpoints.ListAsync).WithDisplayName("Alumio tasks: list");
        group.MapGet("{id}", TaskEndpoints.GetAsync).WithDisplayName("Alumio tasks: get");
        group.MapPost("retry", TaskEndpoints.RetryManyAsync).WithDisplayName("Alumio tasks: retry failed");
        group.MapPost("{id}/retry", TaskEndpoints.RetryOneAsync).WithDisplayName("Alumio tasks: retry one");
        return group;
    }

    /// <summary>
    /// Maps the routes API at <c>{BasePath}/routes</c>: <c>POST {BasePath}/routes/{route}/dry-run</c> runs the route's
    /// transformers on the sample entity in the JSON body and answers <c>{"status":"Continue"|"Skipped"|"Failed",
    /// "entity":...,"reason":...}</c> (with <c>"branches"</c> when a brancher ran), storing and delivering nothing;
    /// <c>404</c> for an unknown route, <c>400</c> for a body that is not JSON. Protect it like the tasks API, for
    /// example with <c>.RequireAuthorization()</c>: results can hold configuration values put in by <c>${NAME}</c>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder.</param>
    /// <returns>A builder to add conventions to the routes API.</returns>
    /// <exception cref="InvalidOperationException"><c>AddAlumioWebhooks</c> was not called.</exception>
    public static IEndpointConventionBuilder MapWebhookRoutes(this IEndpointRouteBuilder endpoints)
    {
        var basePath = Prepare(endpoints, nameof(MapWebhookRoutes));
        var group = endpoints.MapGroup(basePath + "/routes");
        group.MapPost("{route}/dry-run", RouteEndpoints.DryRunAsync).WithDisplayName("Alumio routes: dry run");
        return group;
    }

    private static string Prepare(IEndpointRouteBuilder endpoints, string method)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<Alumio.Webhooks.Receiving.WebhookReceiver>() is null)
        {
            throw new InvalidOperationException(
                $"Unable to find the required services. Call builder.Services.AddAlumioWebhooks(...) before app.{method}().");
        }

        return endpoints.ServiceProvider.GetRequiredService<IOptions<AlumioWebhooksOptions>>().Value.BasePath.TrimEnd('/');
    }
}
