using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>Creating, migrating and checking the store's schema.</summary>
public class SchemaTests
{
    private readonly List<string> _schemas = [];

    [TearDown]
    public async Task DropSchemas()
    {
        // One fixture instance serves every test, so the list is emptied for the next one.
        var schemas = _schemas.ToList();
        _schemas.Clear();
        foreach (var schema in schemas)
        {
            await TestDatabase.DropSchemaAsync(schema);
        }
    }

    [Test]
    public async Task Migrations_run_once_when_several_instances_start_together()
    {
        for (var round = 0; round < 3; round++)
        {
            var schema = NewSchema();
            var stores = Enumerable.Range(0, 4).Select(_ => TestDatabase.CreateStore(TimeProvider.System, schema)).ToList();
            try
            {
                await Task.WhenAll(stores.Select(store => Task.Run(async () => await store.InitializeAsync(CancellationToken.None))));
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }

            (await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version")).Should().Be(PostgreSqlSchema.LatestVersion);
            (await TestDatabase.ScalarAsync<int>($"SELECT max(version) FROM \"{schema}\".schema_version")).Should().Be(PostgreSqlSchema.LatestVersion);
        }
    }

    [Test]
    public async Task With_CreateSchema_off_a_missing_schema_is_a_clear_error_and_nothing_is_created()
    {
        var schema = NewSchema();
        await using var store = TestDatabase.CreateStore(TimeProvider.System, schema, options => options.CreateSchema = false);

        var initialize = async () => await store.InitializeAsync(CancellationToken.None);
        var first = async () => await store.GetAsync(Guid.NewGuid(), CancellationToken.None);

        (await initialize.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*schema \"{schema}\" does not exist*CreateSchema is off*GetSchemaScript(\"{schema}\")*");
        await first.Should().ThrowAsync<InvalidOperationException>("every call checks the schema until it is there");
        (await TestDatabase.ScalarAsync<bool>($"SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = '{schema}')")).Should().BeFalse();
    }

    [Test]
    public async Task With_CreateSchema_off_a_host_does_not_start_on_a_missing_schema()
    {
        var schema = NewSchema();
        await using var instance = AppInstance.Create(schema, "alumio-schema-test", process: false, options => options.CreateSchema = false);

        var start = instance.StartAsync;

        (await start.Should().ThrowAsync<InvalidOperationException>()).WithMessage($"*\"{schema}\" does not exist*");
    }

    [Test]
    public async Task The_schema_script_creates_what_a_store_with_CreateSchema_off_needs_and_can_run_again()
    {
        var schema = NewSchema();
        var script = PostgreSqlTaskStore.GetSchemaScript(schema);
        await TestDatabase.ExecuteAsync(script);
        await TestDatabase.ExecuteAsync(script);
        await using var store = TestDatabase.CreateStore(TimeProvider.System, schema, options => options.CreateSchema = false);

        var now = TimeProvider.System.GetUtcNow();
        var task = new WebhookTask(Guid.CreateVersion7(now), "r1", "wms", "erp", "{}"u8.ToArray(), WebhookTaskStatus.New, 0, null, now, now);
        await store.AddAsync([task], CancellationToken.None);

        (await store.GetAsync(task.Id, CancellationToken.None)).Should().NotBeNull();
        (await TestDatabase.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version")).Should().Be(PostgreSqlSchema.LatestVersion);
    }

    [Test]
    public async Task A_schema_made_by_the_store_and_one_made_by_the_script_are_the_same()
    {
        var byStore = NewSchema();
        var byScript = NewSchema();
        await using (var store = TestDatabase.CreateStore(TimeProvider.System, byStore))
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        await TestDatabase.ExecuteAsync(PostgreSqlTaskStore.GetSchemaScript(byScript));

        (await DescribeAsync(byScript)).Should().Be(await DescribeAsync(byStore));
    }

    [Test]
    public async Task With_CreateSchema_off_an_outdated_schema_is_a_clear_error()
    {
        var schema = NewSchema();
        await TestDatabase.ExecuteAsync(PostgreSqlTaskStore.GetSchemaScript(schema));
        await TestDatabase.ExecuteAsync($"DELETE FROM \"{schema}\".schema_version");
        await using var store = TestDatabase.CreateStore(TimeProvider.System, schema, options => options.CreateSchema = false);

        var initialize = async () => await store.InitializeAsync(CancellationToken.None);

        (await initialize.Should().ThrowAsync<InvalidOperationException>())
            .WithMessage($"*is at version 0, and this Alumio.Webhooks.PostgreSql needs version {PostgreSqlSchema.LatestVersion}*");
    }

    [TestCase(true)]
    [TestCase(false)]
    public async Task A_schema_newer_than_the_library_is_refused(bool createSchema)
    {
        var schema = NewSchema();
        await TestDatabase.ExecuteAsync(PostgreSqlTaskStore.GetSchemaScript(schema));
        await TestDatabase.ExecuteAsync($"INSERT INTO \"{schema}\".schema_version (version, description) VALUES (999, 'from the future')");
        await using var store = TestDatabase.CreateStore(TimeProvider.System, schema, options => options.CreateSchema = createSchema);

        var initialize = async () => await store.InitializeAsync(CancellationToken.None);

        (await initialize.Should().ThrowAsync<InvalidOperationException>()).WithMessage("*version 999, newer than this Alumio.Webhooks.PostgreSql knows*");
    }

    [TestCase("Alumio")]
    [TestCase("alumio-webhooks")]
    [TestCase("1alumio")]
    [TestCase("alumio\n")]
    [TestCase("")]
    public void A_schema_name_that_is_not_a_plain_lower_case_identifier_is_refused(string schema)
    {
        var create = () => new PostgreSqlTaskStore("Host=127.0.0.1", TimeProvider.System, new PostgreSqlTaskStoreOptions { Schema = schema });
        var script = () => PostgreSqlTaskStore.GetSchemaScript(schema);

        create.Should().Throw<ArgumentException>().WithMessage("*is not a valid name*");
        script.Should().Throw<ArgumentException>();
    }

    [Test]
    public void A_schema_name_may_have_57_characters_but_not_58()
    {
        var longest = () => PostgreSqlTaskStore.GetSchemaScript(new string('a', 57));
        var tooLong = () => PostgreSqlTaskStore.GetSchemaScript(new string('a', 58));

        longest.Should().NotThrow();
        tooLong.Should().Throw<ArgumentException>();
    }

    private static Task<string> DescribeAsync(string schema) => TestDatabase.ScalarAsync<string>($"""
        SELECT string_agg(line, E'\n' ORDER BY line) FROM (
            SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable AS line
            FROM information_schema.columns WHERE table_schema = '{schema}'
            UNION ALL
            SELECT indexname || ' ' || replace(indexdef, '{schema}', 'S') FROM pg_indexes WHERE schemaname = '{schema}'
        ) AS lines
        """);

    private string NewSchema()
    {
        var schema = TestDatabase.NewSchema();
        _schemas.Add(schema);
        return schema;
    }
}
