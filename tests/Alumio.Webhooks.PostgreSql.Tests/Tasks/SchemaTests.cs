using Alumio.Webhooks.PostgreSql.Tests.Support;
using Alumio.Webhooks.Tasks;
using Npgsql;

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

    [Test]
    public async Task A_schema_at_version_1_is_migrated_and_its_tasks_are_still_found_by_status_and_webhook()
    {
        // Version 1 as it was released: the script of today, with migrations 2 to 4 taken back.
        var schema = NewSchema();
        await TestDatabase.ExecuteAsync(PostgreSqlTaskStore.GetSchemaScript(schema));
        await TestDatabase.ExecuteAsync($"""
            DROP INDEX "{schema}".tasks_ended;
            CREATE INDEX tasks_webhook ON "{schema}".tasks (lower(webhook), id);
            CREATE INDEX tasks_status ON "{schema}".tasks (status, id);
            ALTER TABLE "{schema}".task_attempts DROP COLUMN status_code;
            ALTER TABLE "{schema}".tasks DROP COLUMN captures, DROP COLUMN parent_id, DROP COLUMN first_transformer;
            DELETE FROM "{schema}".schema_version WHERE version >= 2;
            INSERT INTO "{schema}".tasks (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id) VALUES
                ('01000000-0000-7000-8000-000000000001', 'r1', 'orders', 'to-erp', '\x7b7d', 3, 1, 'refused', now(), now(), NULL, NULL),
                ('01000000-0000-7000-8000-000000000002', 'r1', 'orders', 'to-shop', '\x7b7d', 0, 0, NULL, now(), now(), NULL, NULL),
                ('01000000-0000-7000-8000-000000000003', 'r2', 'other', 'to-erp', '\x7b7d', 2, 1, NULL, now(), now(), NULL, NULL);
            """);
        await using var store = TestDatabase.CreateStore(TimeProvider.System, schema);

        await store.InitializeAsync(CancellationToken.None);

        (await TestDatabase.ScalarAsync<int>($"SELECT max(version) FROM \"{schema}\".schema_version")).Should().Be(PostgreSqlSchema.LatestVersion);
        (await TestDatabase.ScalarAsync<string>($"SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE schemaname = '{schema}' AND tablename = 'tasks'"))
            .Should().Be("tasks_done,tasks_due,tasks_ended,tasks_pkey,tasks_request,tasks_route");
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Failed }, CancellationToken.None)).Items.Select(task => task.Route).Should().Equal("to-erp");
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.New }, CancellationToken.None)).Items.Select(task => task.Route).Should().Equal("to-shop");
        (await store.QueryAsync(new TaskQuery { Webhook = "ORDERS" }, CancellationToken.None)).Items.Should().HaveCount(2);
        (await store.RetryAsync(new TaskQuery { Webhook = "orders" }, CancellationToken.None)).Should().Be(1);
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Retry }, CancellationToken.None)).Items.Select(task => task.Route).Should().Equal("to-erp");
        var old = (await store.QueryAsync(new TaskQuery { RequestId = "r1" }, CancellationToken.None)).Items;
        old.Should().OnlyContain(task => task.Captures.Count == 0 && task.ParentId == null && task.FirstTransformer == 0, "tasks stored before version 4 have no captures and are no branches");
    }

    [TestCase("2, 3, 4", "tasks_ended")]
    [TestCase("0, 1, 5", "tasks_due")]
    public async Task Tasks_by_status_are_read_through_the_partial_index_that_holds_the_status(string statuses, string index)
    {
        var schema = NewSchema();
        await TestDatabase.ExecuteAsync(PostgreSqlTaskStore.GetSchemaScript(schema));
        await using var connection = new NpgsqlConnection(TestDatabase.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();

        // The filter the store writes for a status, planned without knowing the status, as a prepared statement is, and
        // with sequential scans off, as the planner would choose on a large table.
        command.CommandText = $"""
            SET enable_seqscan = off;
            SET plan_cache_mode = force_generic_plan;
            PREPARE by_status(smallint) AS SELECT id FROM "{schema}".tasks WHERE status = $1 AND status IN ({statuses});
            EXPLAIN EXECUTE by_status(3);
            """;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        string.Join(" | ", plan).Should().Contain(index);
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
