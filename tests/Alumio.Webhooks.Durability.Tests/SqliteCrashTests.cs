namespace Alumio.Webhooks.Durability.Tests;

/// <summary>The crash test on a SQLite file: killed under load, started again on the same file.</summary>
public sealed class SqliteCrashTests : CrashTests
{
    private string? _path;

    [TearDown]
    public void DeleteFile()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", ".lock" })
        {
            File.Delete(_path + suffix);
        }
    }

    protected override Task<string[]> StoreArgumentsAsync()
    {
        _path = Path.Combine(Path.GetTempPath(), $"alumio-crash-{Guid.NewGuid():N}.db");
        return Task.FromResult<string[]>(["--store", "sqlite", "--connection", $"Data Source={_path}"]);
    }
}
