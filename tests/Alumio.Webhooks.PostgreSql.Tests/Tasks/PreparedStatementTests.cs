using Alumio.Webhooks.PostgreSql.Tests.Support;
using Npgsql;

namespace Alumio.Webhooks.PostgreSql.Tests.Tasks;

/// <summary>A store made from a connection string prepares the statements it runs over and over, unless told not to.</summary>
public class PreparedStatementTests : PostgreSqlStoreFixture
{
    [Test]
    public async Task Statements_the_store_runs_again_and_again_are_prepared_on_its_connections()
    {
        new NpgsqlConnectionStringBuilder(Store.DataSource.ConnectionString).MaxAutoPrepare.Should().Be(PostgreSqlTaskStore.AutoPrepare);
        (await PreparedAfterReadsAsync(Store)).Should().BeGreaterThan(0, "a statement run five times on a connection is prepared there");
    }

    [TestCase("Max Auto Prepare=0")]
    [TestCase("maxautoprepare=0")]
    public async Task A_connection_string_that_sets_Max_Auto_Prepare_is_followed(string setting)
    {
        var store = await OpenAnotherStoreAsync(TestDatabase.ConnectionString + ";" + setting);

        new NpgsqlConnectionStringBuilder(store.DataSource.ConnectionString).MaxAutoPrepare.Should().Be(0);
        (await PreparedAfterReadsAsync(store)).Should().Be(0, "a pooler that cannot keep prepared statements is told so in the connection string");
    }

    /// <summary>Reads through the store often enough for any statement to qualify, then counts what its connections prepared.</summary>
    private static async Task<long> PreparedAfterReadsAsync(PostgreSqlTaskStore store)
    {
        for (var read = 0; read < 40; read++)
        {
            (await store.GetAsync(Guid.NewGuid(), CancellationToken.None)).Should().BeNull();
        }

        // Sequential reads reuse the pool's few physical connections; each ran the read far more than five times.
        await using var connection = await store.DataSource.OpenConnectionAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%tasks%'", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
