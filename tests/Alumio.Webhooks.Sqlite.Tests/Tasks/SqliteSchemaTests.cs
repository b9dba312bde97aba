using Alumio.Webhooks.Sqlite.Tests.Support;
using Alumio.Webhooks.Tasks;
using Microsoft.Data.Sqlite;

namespace Alumio.Webhooks.Sqlite.Tests.Tasks;

/// <summary>Creating, checking and migrating the schema, and the query plans of the store's statements.</summary>
public class SqliteSchemaTests : SqliteStoreFixture
{
    [Test]
    public void A_new_file_gets_the_current_schema_version()
    {
        Open();

        Scalar(Database, "SELECT max(version) FROM schema_version").Should().Be(SqliteSchema.CurrentVersion);
        Scalar(Database, "SELECT count(*) FROM schema_version").Should().Be(SqliteSchema.Migrations.Count);
    }

    [Test]
    public void With_CreateSchema_false_an_empty_file_is_a_clear_error_and_stays_untouched()
    {
        File.WriteAllBytes(Database.Path, []);

        var open = () => Open(configure: options => options.CreateSchema = false);

        open.Should().Throw<InvalidOperationException>().WithMessage($"*'{Database.Path}' has no task store schema*CreateSchema is false*");
        new FileInfo(Database.Path).Length.Should().Be(0);
        File.Exists(Database.Path + "-wal").Should().BeFalse();
    }

    [Test]
    public void With_CreateSchema_false_a_missing_file_is_a_clear_error_and_is_not_created()
    {
        var open = () => Open(configure: options => options.CreateSchema = false);

        open.Should().Throw<InvalidOperationException>().WithMessage($"*'{Database.Path}' does not exist*");
        File.Exists(Database.Path).Should().BeFalse();
    }

    [Test]
    public async Task With_CreateSchema_false_a_file_with_the_current_schema_opens()
    {
        await Open().DisposeAsync();

        var open = () => Open(configure: options => options.CreateSchema = false);

        open.Should().NotThrow();
    }

    [Test]
    public async Task The_schema_script_creates_what_the_store_creates_and_the_store_opens_it_with_CreateSchema_false()
    {
        await Open().DisposeAsync();
        var created = NewDatabase();
        using (var connection = new SqliteConnection($"Data Source={created.Path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SqliteTaskStore.GetSchemaScript();
            command.ExecuteNonQuery();
        }

        var store = Open(created, options => options.CreateSchema = false);
        await store.AddAsync([NewTask("r1")], CancellationToken.None);

        Schema(created).Should().Equal(Schema(Database));
        Scalar(created, "SELECT max(version) FROM schema_version").Should().Be(SqliteSchema.CurrentVersion);
        Scalar(created, "SELECT count(*) FROM schema_version WHERE applied_at > 0").Should().Be(SqliteSchema.Migrations.Count);
        (await AllAsync(store)).Should().ContainSingle();
    }

    [Test]
    public async Task A_file_from_a_newer_release_is_refused()
    {
        await Open().DisposeAsync();
        Scalar(Database, "INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'from the future', 0); SELECT 0;");

        var open = () => Open();

        open.Should().Throw<InvalidOperationException>().WithMessage("*schema version 99, written by a newer release*");
    }

    [Test]
    public void Migrations_are_applied_in_order_to_an_existing_file_and_recorded_once()
    {
        SqliteMigration[] first = [new(1, "one table", "CREATE TABLE one (a INTEGER);")];
        SqliteMigration[] later = [.. first, new(2, "a column", "ALTER TABLE one ADD COLUMN b TEXT;"), new(3, "another table", "CREATE TABLE two (c INTEGER);")];
        using var connection = new SqliteConnection($"Data Source={Database.Path};Pooling=False");
        connection.Open();

        SqliteSchema.Apply(connection, first, create: true, Start, Database.Path).Should().Be((0, 1));
        SqliteSchema.Apply(connection, later, create: true, Start, Database.Path).Should().Be((1, 3));
        SqliteSchema.Apply(connection, later, create: true, Start, Database.Path).Should().Be((3, 3));
        var check = () => SqliteSchema.Apply(connection, later, create: false, Start, Database.Path);

        Scalar(Database, "SELECT group_concat(version, '') FROM (SELECT version FROM schema_version ORDER BY version)").Should().Be(123);
        Scalar(Database, "SELECT count(*) FROM pragma_table_info('one') WHERE name = 'b'").Should().Be(1);
        check.Should().NotThrow("with CreateSchema false, a file at the newest version opens");
    }

    [Test]
    public void A_migration_that_fails_leaves_the_file_at_the_version_before_and_says_which_one_failed()
    {
        SqliteMigration[] migrations = [new(1, "one table", "CREATE TABLE one (a INTEGER);"), new(2, "a broken step", "CREATE TABLE two (c INTEGER); ALTER TABLE missing ADD COLUMN d TEXT;")];
        using var connection = new SqliteConnection($"Data Source={Database.Path};Pooling=False");
        connection.Open();

        var apply = () => SqliteSchema.Apply(connection, migrations, create: true, Start, Database.Path);

        apply.Should().Throw<InvalidOperationException>().WithMessage("*could not be migrated to schema version 2 (a broken step)*");
        Scalar(Database, "SELECT max(version) FROM schema_version").Should().Be(1);
        Scalar(Database, "SELECT count(*) FROM sqlite_master WHERE name = 'two'").Should().Be(0);
    }

    [Test]
    public async Task A_file_at_version_1_is_migrated_and_its_tasks_are_still_found_by_status_and_webhook()
    {
        using (var connection = new SqliteConnection($"Data Source={Database.Path};Pooling=False"))
        {
            connection.Open();
            SqliteSchema.Apply(connection, [SqliteSchema.Migrations[0]], create: true, Start, Database.Path).Should().Be((0, 1));
            using var insert = connection.CreateCommand();
            insert.CommandText =
                """
                INSERT INTO tasks (id, request_id, webhook, route, entity, status, attempts, last_error, created_at, updated_at, due_at, lease_id, batch)
                VALUES (X'01000000000070008000000000000001', 'r1', 'orders', 'to-erp', CAST('{}' AS BLOB), 3, 1, 'refused', 10, 20, NULL, NULL, NULL),
                       (X'01000000000070008000000000000002', 'r1', 'orders', 'to-shop', CAST('{}' AS BLOB), 0, 0, NULL, 10, 10, 10, NULL, NULL),
                       (X'01000000000070008000000000000003', 'r2', 'other', 'to-erp', CAST('{}' AS BLOB), 2, 1, NULL, 10, 30, NULL, NULL, NULL);
                """;
            insert.ExecuteNonQuery();
        }

        var store = Open();

        Scalar(Database, "SELECT max(version) FROM schema_version").Should().Be(SqliteSchema.CurrentVersion);
        Schema(Database).Should().NotContain(entry => entry.Contains("ix_tasks_webhook") || entry.Contains("ix_tasks_status"))
            .And.Contain(entry => entry.StartsWith("index ix_tasks_ended"));
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Failed }, CancellationToken.None)).Items.Select(task => task.Route).Should().Equal("to-erp");
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.New }, CancellationToken.None)).Items.Select(task => task.Route).Should().Equal("to-shop");
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Finished }, CancellationToken.None)).Items.Select(task => task.Webhook).Should().Equal("other");
        (await store.QueryAsync(new TaskQuery { Webhook = "ORDERS" }, CancellationToken.None)).Items.Should().HaveCount(2);
        (await store.RetryAsync(new TaskQuery(), CancellationToken.None)).Should().Be(1);
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Retry }, CancellationToken.None)).Items.Select(task => task.Route).Should().Equal("to-erp");
        (await store.QueryAsync(new TaskQuery { Status = WebhookTaskStatus.Failed }, CancellationToken.None)).Items.Should().BeEmpty();
        (await store.QueryAsync(new TaskQuery(), CancellationToken.None)).Items.Should()
            .HaveCount(3).And.OnlyContain(task => task.Captures.Count == 0 && task.ParentId == null && task.FirstTransformer == 0, "tasks stored before version 4 have no captures and are no branches");
    }

    [TestCase(SqliteStatements.SelectDue, "ix_tasks_due")]
    [TestCase(SqliteStatements.SelectDueOfRequest, "ix_tasks_request")]
    [TestCase(SqliteStatements.CommitStaged, "ix_tasks_batch")]
    [TestCase(SqliteStatements.DeleteStagedChunk, "ix_tasks_batch")]
    [TestCase(SqliteStatements.DeleteAllStaged, "ix_tasks_batch")]
    [TestCase(SqliteStatements.SelectTask, "ux_tasks_id")]
    [TestCase(SqliteStatements.CompleteLeased, "ux_tasks_id")]
    [TestCase(SqliteStatements.ReleaseLeased, "ux_tasks_id")]
    [TestCase(SqliteStatements.SelectTasks + " AND id > $after ORDER BY id LIMIT $limit", "ux_tasks_id")]
    [TestCase(SqliteStatements.SelectTasksInIdOrder + " AND webhook = $webhook AND id > $after ORDER BY id LIMIT $limit", "ux_tasks_id")]
    [TestCase(SqliteStatements.SelectTasks + " AND route = $route ORDER BY id LIMIT $limit", "ix_tasks_route")]
    [TestCase(SqliteStatements.SelectTasks + " AND status = $status AND due_at IS NULL ORDER BY id LIMIT $limit", "ix_tasks_ended")]
    [TestCase(SqliteStatements.SelectQueuedTasks + " AND status = $status AND due_at IS NOT NULL ORDER BY id LIMIT $limit", "ix_tasks_due")]
    [TestCase(SqliteStatements.SelectQueuedTasks + " AND route = $route AND status = $status AND due_at IS NOT NULL AND id > $after ORDER BY id LIMIT $limit", "ix_tasks_due")]
    [TestCase(SqliteStatements.SelectTasks + " AND request_id = $request ORDER BY id LIMIT $limit", "ix_tasks_request")]
    [TestCase(SqliteStatements.SelectTasks + " AND id = $id ORDER BY id LIMIT $limit", "ux_tasks_id")]
    [TestCase(SqliteStatements.RetryFailed, "ix_tasks_ended")]
    [TestCase(SqliteStatements.RetryFailed + " AND id = $id", "ux_tasks_id")]
    [TestCase(SqliteStatements.SelectPrunable, "ix_tasks_done")]
    [TestCase(SqliteStatements.DeleteAttempts, "ix_attempts_task")]
    [TestCase(SqliteStatements.SelectAttempts, "ix_attempts_task")]
    [TestCase(SqliteStatements.SelectClaim, "PRIMARY KEY")]
    [TestCase(SqliteStatements.DeleteExpiredClaims, "ix_claims_expires")]
    public void A_statement_searches_its_index(string statement, string index)
    {
        Open();
        using var connection = new SqliteConnection($"Data Source={Database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + statement;
        using var reader = command.ExecuteReader();
        var plan = new List<string>();
        while (reader.Read())
        {
            plan.Add(reader.GetString(3));
        }

        plan.Should().Contain(step => step.StartsWith("SEARCH") && step.Contains(index), "the plan is: " + string.Join(" | ", plan));
        plan.Should().NotContain(step => step.StartsWith("SCAN tasks") || step.StartsWith("SCAN attempts") || step.StartsWith("SCAN claims"));
    }

    private static List<string> Schema(TempDatabase database)
    {
        using var connection = new SqliteConnection($"Data Source={database.Path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name;";
        using var reader = command.ExecuteReader();
        var schema = new List<string>();
        while (reader.Read())
        {
            schema.Add(reader.GetString(0));
        }

        return schema;
    }
}
