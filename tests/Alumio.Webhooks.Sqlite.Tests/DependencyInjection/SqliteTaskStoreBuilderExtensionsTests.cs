using Alumio.Webhooks.Sqlite.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Alumio.Webhooks.Sqlite.Tests.DependencyInjection;

public class SqliteTaskStoreBuilderExtensionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 30, 9, 0, 0, TimeSpan.Zero);
    private TempDatabase _database = null!;

    [SetUp]
    public void CreateDatabase() => _database = new TempDatabase();

    [TearDown]
    public void DeleteDatabase() => _database.Delete();

    [Test]
    public async Task UseSqliteTaskStore_replaces_the_in_memory_store_and_takes_the_clock_from_the_services()
    {
        var time = new FakeTimeProvider(Start);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddAlumioWebhooks().UseSqliteTaskStore(_database.ConnectionString);

        await using var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<ITaskStore>();
        await store.AddAsync([new WebhookTask(Guid.CreateVersion7(Start), "r1", "wms", "erp", "{}"u8.ToArray(), WebhookTaskStatus.New, 0, null, Start, Start)], CancellationToken.None);
        time.Advance(TimeSpan.FromMinutes(1));
        var leased = await store.LeaseAsync(new TaskLeaseRequest(1, TimeSpan.FromMinutes(5)), CancellationToken.None);

        store.Should().BeOfType<SqliteTaskStore>();
        services.Where(descriptor => descriptor.ServiceType == typeof(ITaskStore)).Should().ContainSingle();
        leased.Single().DueAt.Should().Be(Start + TimeSpan.FromMinutes(6));
        File.Exists(_database.Path).Should().BeTrue();
    }

    [Test]
    public async Task Calling_AddAlumioWebhooks_and_UseSqliteTaskStore_again_registers_nothing_twice()
    {
        var services = new ServiceCollection();
        services.AddAlumioWebhooks().UseSqliteTaskStore(_database.ConnectionString, options => options.BusyTimeout = TimeSpan.FromSeconds(5));
        services.AddAlumioWebhooks().UseSqliteTaskStore(_database.ConnectionString);

        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<ITaskStore>().Should().BeOfType<SqliteTaskStore>();
        services.Where(descriptor => descriptor.ServiceType == typeof(ITaskStore)).Should().ContainSingle();
        services.Where(descriptor => descriptor.ImplementationType == typeof(SqliteTaskStoreStartup)).Should().ContainSingle();
    }

    [Test]
    public async Task The_file_opens_when_the_host_starts_so_a_missing_schema_stops_start_up()
    {
        File.WriteAllBytes(_database.Path, []);
        var services = new ServiceCollection();
        services.AddAlumioWebhooks().UseSqliteTaskStore(_database.ConnectionString, options => options.CreateSchema = false);
        await using var provider = services.BuildServiceProvider();

        var start = async () => await provider.GetServices<IHostedService>().OfType<SqliteTaskStoreStartup>().Single().StartAsync(CancellationToken.None);

        await start.Should().ThrowAsync<InvalidOperationException>().WithMessage("*has no task store schema*");
    }

    [TestCase("Data Source=:memory:")]
    [TestCase("Mode=Memory;Data Source=tasks")]
    [TestCase("Data Source=")]
    [TestCase("Data Source=tasks.db;Mode=ReadOnly")]
    [TestCase("Data Source=tasks.db;Cache=Shared")]
    [TestCase("Data Source=tasks.db;Unknown Keyword=1")]
    public void A_connection_string_without_a_file_is_refused_when_it_is_registered(string connectionString)
    {
        var use = () => new ServiceCollection().AddAlumioWebhooks().UseSqliteTaskStore(connectionString);

        use.Should().Throw<ArgumentException>();
    }

    [Test]
    public void A_busy_timeout_out_of_range_is_refused_when_it_is_registered()
    {
        var use = () => new ServiceCollection().AddAlumioWebhooks().UseSqliteTaskStore(_database.ConnectionString, options => options.BusyTimeout = TimeSpan.Zero);

        use.Should().Throw<ArgumentOutOfRangeException>().WithMessage("*BusyTimeout*");
    }
}
