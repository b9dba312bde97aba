using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.Tests.Support;

/// <summary>The core services wired as a host would, with a fake clock and the background processor off.</summary>
public sealed class TestHost : IAsyncDisposable
{
    private TestHost(ServiceProvider services)
    {
        Services = services;
    }

    public ServiceProvider Services { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)Services.GetRequiredService<TimeProvider>();

    public WebhookReceiver Receiver => Services.GetRequiredService<WebhookReceiver>();

    public WebhookTaskProcessor Processor => Services.GetRequiredService<WebhookTaskProcessor>();

    public ITaskStore Store => Services.GetRequiredService<ITaskStore>();

    /// <summary>The fake clock every test host starts with; pass one to <see cref="Create"/> to share it with a store built by the test.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

    public static TestHost Create(Action<AlumioWebhooksBuilder> configure, Action<IServiceCollection>? services = null, FakeTimeProvider? time = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<TimeProvider>(time ?? NewClock());
        services?.Invoke(collection);
        var builder = collection.AddAlumioWebhooks().ConfigureProcessor(options => options.Enabled = false);
        configure(builder);
        return new TestHost(collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
    }

    public async Task<IReadOnlyList<WebhookTask>> AllTasksAsync()
    {
        var page = await Store.QueryAsync(new TaskQuery { Limit = TaskQuery.MaxLimit }, CancellationToken.None);
        return page.Items;
    }

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}
