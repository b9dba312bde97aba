namespace Alumio.Webhooks.Sqlite.Tests.Support;

/// <summary>A database file of its own in the temporary folder, deleted with its WAL, shared-memory and lock files.</summary>
public sealed class TempDatabase
{
    public TempDatabase()
    {
        var folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "alumio-sqlite-tests");
        Directory.CreateDirectory(folder);
        Path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N") + ".db");
    }

    public string Path { get; }

    public string ConnectionString => $"Data Source={Path}";

    /// <summary>Copies the database as it is on disk now, as a crash would leave it: the file and its WAL, not the shared memory.</summary>
    public TempDatabase CrashCopy()
    {
        var copy = new TempDatabase();
        File.Copy(Path, copy.Path);
        if (File.Exists(Path + "-wal"))
        {
            File.Copy(Path + "-wal", copy.Path + "-wal");
        }

        return copy;
    }

    public void Delete()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal", ".lock" })
        {
            File.Delete(Path + suffix);
        }
    }
}
