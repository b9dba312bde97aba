using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.PostgreSql.Tests.DependencyInjection;

/// <summary>Registration only: these tests need no database, since nothing connects before the store is used.</summary>
public class UsePostgreSqlTaskStoreTests
{
    private const string ConnectionString = "Host=127.0.0.1;Database=alumio_test";

    [Test]
    public async Task UsePostgreSqlTaskStore_replaces_the_in_memory_store_with_one_on_the_hosts_clock()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAlumioWebhooks().UsePostgreSqlTaskStore(ConnectionString, options => options.Schema = "tenant_a");
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var store = provider.GetRequiredService<ITaskStore>();

        store.Should().BeOfType<PostgreSqlTaskStore>().And.BeSameAs(provider.GetRequiredService<PostgreSqlTaskStore>());
        services.Where(descriptor => descriptor.ServiceType == typeof(ITaskStore)).Should().ContainSingle();
        var postgres = (PostgreSqlTaskStore)store;
        postgres.Schema.Name.Should().Be("tenant_a");
        postgres.Now().Should().Be(time.GetUtcNow());
        time.Advance(TimeSpan.FromMinutes(3));
        postgres.Now().Should().Be(time.GetUtcNow(), "leases, retries and claims are timed by the host's TimeProvider");
    }

    [Test]
    public async Task The_schema_and_listener_service_starts_first_and_is_registered_once_however_often_it_is_called()
    {
        var services = new ServiceCollection();
        services.AddAlumioWebhooks()
            .UsePostgreSqlTaskStore(ConnectionString, options => options.Schema = "first")
            .UsePostgreSqlTaskStore(ConnectionString, options => options.Schema = "second");
        services.AddAlumioWebhooks();
        await using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToList();

        hosted[0].Should().BeOfType<PostgreSqlTaskStoreService>("the schema is ready before the processor leases");
        hosted.OfType<PostgreSqlTaskStoreService>().Should().ContainSingle();
        provider.GetRequiredService<ITaskStore>().Should().BeOfType<PostgreSqlTaskStore>().Which.Schema.Name.Should().Be("second", "the last call wins");
        provider.GetRequiredService<TaskSignal>().Should().NotBeNull();
    }

    [Test]
    public void Bad_settings_are_refused_when_the_store_is_registered()
    {
        var services = new ServiceCollection();
        var builder = services.AddAlumioWebhooks();

        var badSchema = () => builder.UsePostgreSqlTaskStore(ConnectionString, options => options.Schema = "Not A Schema");
        var noConnection = () => builder.UsePostgreSqlTaskStore(" ");

        badSchema.Should().Throw<ArgumentException>().WithMessage("*'Not A Schema' is not a valid name*");
        noConnection.Should().Throw<ArgumentException>();
    }
}
