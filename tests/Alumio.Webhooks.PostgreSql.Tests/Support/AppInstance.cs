using System.Collections.Concurrent;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Alumio.Webhooks.PostgreSql.Tests.Support;

/// <summary>
/// One instance of an application, as a host would wire it: the real clock, the pipeline with one webhook <c>hook</c>
/// whose route <c>r</c> delivers to a recorder, and the PostgreSQL store. Its hosted services (schema preparation, the
/// listener, the processor) run between <see cref="StartAsync"/> and disposal. Its processor polls only once an hour, so
/// whatever it delivers sooner it was woken for.
/// </summary>
public sealed class AppInstance : IAsyncDisposable
{
    private readonly List<IHostedService> _started = [];

    private AppInstance(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    public ConcurrentQueue<string> Delivered { get; } = new();

    public WebhookReceiver Receiver => Services.GetRequiredService<WebhookReceiver>();

    public ITaskStore Store => Services.GetRequiredService<ITaskStore>();

    public static AppInstance Create(string schema, string applicationName, bool process, Action<PostgreSqlTaskStoreOptions>? configure = null)
    {
        var services = new ServiceCollection();
        var instance = default(AppInstance);
        services.AddLogging();
        services.AddAlumioWebhooks(webhooks => webhooks
                .AddIncoming("in", incoming => incoming.ParseJson())
                .AddWebhook("hook", webhook => webhook.Incoming("in").IdempotencyKey("header:Idempotency-Key"))
                .AddOutgoing("sink", outgoing => outgoing.Deliver((entity, _, _) =>
                {
                    instance!.Delivered.Enqueue(entity.ToJsonString());
                    return ValueTask.FromResult(OutgoingResult.Success());
                }))
                .AddRoute("r", route => route.From("in").To("sink")))
            .ConfigureProcessor(options =>
            {
                options.Enabled = process;
                options.PollInterval = TimeSpan.FromHours(1);
                options.Retention = null;
            })
            .UsePostgreSqlTaskStore(TestDatabase.WithApplicationName(applicationName), options =>
            {
                options.Schema = schema;
                configure?.Invoke(options);
            });
        instance = new AppInstance(services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        return instance;
    }

    public async Task StartAsync()
    {
        foreach (var service in Services.GetServices<IHostedService>())
        {
            await service.StartAsync(CancellationToken.None);
            _started.Add(service);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            await _started[i].StopAsync(CancellationToken.None);
        }

        await Services.DisposeAsync();
    }
}
