using Npgsql;

namespace Alumio.Webhooks.PostgreSql.Tests.Support;

/// <summary>
/// The PostgreSQL the tests run against, named by the environment variable <c>ALUMIO_TEST_POSTGRES</c>. Without it a test
/// is ignored on a developer's machine, and fails in CI (where <c>CI</c> is set), so CI cannot pass without running them.
/// Each test works in a fresh schema of its own, dropped afterwards.
/// </summary>
internal static class TestDatabase
{
    public const string Variable = "ALUMIO_TEST_POSTGRES";

    /// <summary>Gets the connection string, or ends the test (ignored, or failed in CI) when none is set.</summary>
    public static string ConnectionString
    {
        get
        {
            var connectionString = Environment.GetEnvironmentVariable(Variable);
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                return connectionString;
            }

            const string How = "an Npgsql connection string such as Host=127.0.0.1;Port=5432;Username=alumio;Password=...;Database=alumio_test. "
                + "`source .ci/postgres` starts a local PostgreSQL and sets it.";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail($"{Variable} is not set, but CI is: the PostgreSQL store tests must run in CI. Set {Variable} to {How}");
            }

            Assert.Ignore($"PostgreSQL tests need {Variable}: {How}");
            return null!;
        }
    }

    /// <summary>A schema name no other test uses.</summary>
    public static string NewSchema() => "alumio_test_" + Guid.NewGuid().ToString("N");

    /// <summary>The connection string with an application name, so a test can find its own connections in <c>pg_stat_activity</c>.</summary>
    public static string WithApplicationName(string applicationName) =>
        new NpgsqlConnectionStringBuilder(ConnectionString) { ApplicationName = applicationName }.ConnectionString;

    public static PostgreSqlTaskStore CreateStore(TimeProvider time, string schema, Action<PostgreSqlTaskStoreOptions>? configure = null, string? connectionString = null)
    {
        var options = new PostgreSqlTaskStoreOptions { Schema = schema };
        configure?.Invoke(options);
        return new PostgreSqlTaskStore(connectionString ?? ConnectionString, time, options);
    }

    public static async Task<T> ScalarAsync<T>(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public static async Task ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static Task DropSchemaAsync(string schema) => ExecuteAsync($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
}
