namespace Alumio.Webhooks.Sqlite;

/// <summary>Settings of a <see cref="SqliteTaskStore"/>.</summary>
public sealed class SqliteTaskStoreOptions
{
    /// <summary>The longest <see cref="BusyTimeout"/>.</summary>
    public static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromHours(1);

    /// <summary>Gets or sets a value indicating whether the store creates its tables, and migrates older ones, when it opens.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>. When <see langword="false"/>, the database file must exist and hold the
    /// current schema already (created by an earlier run, or by a deployment step from
    /// <see cref="SqliteTaskStore.GetSchemaScript"/>); otherwise opening the store fails
    /// with an <see cref="InvalidOperationException"/> that says what is missing.
    /// </value>
    public bool CreateSchema { get; set; } = true;

    /// <summary>Gets or sets how long a statement waits for a lock held by another connection before it fails (the connections' <c>Default Timeout</c> and <c>busy_timeout</c>).</summary>
    /// <value>
    /// Defaults to 30 seconds; between 1 millisecond and <see cref="MaxBusyTimeout"/>. The store writes through one
    /// connection, so locks are only held by other programs that open the file (a backup, the <c>sqlite3</c> shell).
    /// </value>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    internal void Validate()
    {
        if (BusyTimeout < TimeSpan.FromMilliseconds(1) || BusyTimeout > MaxBusyTimeout)
        {
            throw new ArgumentOutOfRangeException(nameof(BusyTimeout), BusyTimeout, $"BusyTimeout must be between 1 millisecond and {MaxBusyTimeout}.");
        }
    }
}
