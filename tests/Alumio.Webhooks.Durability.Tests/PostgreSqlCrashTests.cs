using Alumio.Webhooks.Durability.Tests.Support;

namespace Alumio.Webhooks.Durability.Tests;

/// <summary>The crash test on a PostgreSQL schema: killed under load, started again on the same schema.</summary>
public sealed class PostgreSqlCrashTests : CrashTests
{
    private string? _schema;

    [TearDown]
    public async Task DropSchema()
    {
        if (_schema is not null)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    protected override Task<string[]> StoreArgumentsAsync()
    {
        var connectionString = Postgres.ConnectionString;
        _schema = Postgres.NewSchema();
        return Task.FromResult<string[]>(["--store", "postgres", "--connection", connectionString, "--schema", _schema]);
    }
}
