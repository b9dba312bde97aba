using Npgsql;

namespace Alumio.Webhooks.Durability.Tests.Support;

/// <summary>
/// The PostgreSQL named by <c>ALUMIO_TEST_POSTGRES</c>: without it a test is ignored on a developer's machine and fails in
/// CI (where <c>CI</c> is set). Each test gets a schema of its own, dropped afterwards.
/// </summary>
public static class Postgres
{
    public static string ConnectionString
    {
        get
        {
            var connectionString = Environment.GetEnvironmentVariable("ALUMIO_TEST_POSTGRES");
            if (!string.IsNullOrWhiteSpace(connectionString))
            {
                return connectionString;
            }

            const string How = "set ALUMIO_TEST_POSTGRES to an Npgsql connection string (`source .ci/postgres` starts a local PostgreSQL and sets it).";
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                Assert.Fail("ALUMIO_TEST_POSTGRES is not set, but CI is: the PostgreSQL tests must run in CI; " + How);
            }

            Assert.Ignore("PostgreSQL tests need a database: " + How);
            return null!;
        }
    }

    public static string NewSchema() => "alumio_durability_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
