using System.Text.RegularExpressions;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>Settings of a <see cref="PostgreSqlTaskStore"/>.</summary>
public sealed partial class PostgreSqlTaskStoreOptions
{
    /// <summary>The longest schema name: PostgreSQL identifiers have at most 63 bytes, and the notification channel adds <c>_tasks</c>.</summary>
    internal const int MaxSchemaLength = 57;

    /// <summary>Gets or sets the PostgreSQL schema that holds the store's tables.</summary>
    /// <value>
    /// Defaults to <c>alumio</c>. Lower-case letters, digits and <c>_</c>, starting with a letter or <c>_</c>; at most 57
    /// characters. Instances that share one queue use the same schema; separate queues in one database use separate schemas.
    /// </value>
    public string Schema { get; set; } = "alumio";

    /// <summary>Gets or sets a value indicating whether the store creates its schema and applies migrations itself.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>: at start-up (or on first use) the schema and tables are created, or migrated to
    /// this version, under an advisory lock so that instances starting together do not race. Set it to
    /// <see langword="false"/> where schemas are managed apart from the application (see
    /// <see cref="PostgreSqlTaskStore.GetSchemaScript"/>); a missing or outdated schema is then an error at start-up.
    /// </value>
    public bool CreateSchema { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether this host listens for tasks stored by other hosts.</summary>
    /// <value>
    /// Defaults to <see langword="true"/>: a background service keeps one connection open with <c>LISTEN</c> and wakes this
    /// host's task processor when another host commits tasks, so processors need not poll often. Applies where the store is
    /// registered with <c>UsePostgreSqlTaskStore</c>. Every transaction that stores tasks (one per group of small commits) sends the notification, whatever this setting.
    /// </value>
    public bool Listen { get; set; } = true;

    /// <summary>Copies the options, so that later changes to this instance do not reach a store already made.</summary>
    internal PostgreSqlTaskStoreOptions Clone() => new() { Schema = Schema, CreateSchema = CreateSchema, Listen = Listen };

    /// <summary>Throws when a setting is out of range.</summary>
    internal void Validate()
    {
        if (Schema is null || Schema.Length > MaxSchemaLength || !SchemaName().IsMatch(Schema))
        {
            throw new ArgumentException(
                $"The PostgreSQL task store schema '{Schema}' is not a valid name: use lower-case letters, digits and '_', start with a letter or '_', at most {MaxSchemaLength} characters.",
                nameof(Schema));
        }
    }

    [GeneratedRegex(@"^[a-z_][a-z0-9_]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
