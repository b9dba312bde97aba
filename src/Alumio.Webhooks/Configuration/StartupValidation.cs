using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Alumio.Webhooks.Configuration;

/// <summary>Builds the model and checks the options when the host starts, so a bad configuration stops start-up.</summary>
internal sealed class StartupValidation(IServiceProvider services, IOptions<TaskProcessorOptions> processorOptions, IOptions<AlumioWebhooksOptions> options) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var errors = processorOptions.Value.Validate().Select(error => "Processor: " + error).ToList();
        var basePath = options.Value.BasePath;
        if (string.IsNullOrEmpty(basePath) || basePath[0] != '/')
        {
            errors.Add($"BasePath must start with '/'; it is '{basePath}'.");
        }

        try
        {
            services.GetRequiredService<WebhookModel>();
        }
        catch (AlumioConfigurationException exception)
        {
            errors.InsertRange(0, exception.Errors);
        }

        if (errors.Count > 0)
        {
            throw new AlumioConfigurationException(errors);
        }

        // The store is opened now, not by the first request: a store that cannot open (a missing schema, a file in
        // use) stops start-up like a configuration error does.
        services.GetRequiredService<ITaskStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
