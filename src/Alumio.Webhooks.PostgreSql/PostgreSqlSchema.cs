using System.Text;

namespace Alumio.Webhooks.PostgreSql;

/// <summary>
/// The store's tables in one schema, the names SQL uses for them, and the migrations that create them. Migrations are
/// applied in order, each once, recorded in <c>schema_version</c>; a released migration is never changed, only followed
/// by a new one.
/// </summary>
internal sealed class PostgreSqlSchema
{
    /// <summary>The migrations, by version from 1. The text's <c>{schema}</c> is the quoted schema name.</summary>
    private static readonly (int Version, string Description, string Sql)[] Migrations =
    [
        (1, "tasks, attempts and idempotency claims", """
            CREATE TABLE {schema}.tasks (
                id uuid PRIMARY KEY,
                request_id text NOT NULL,
                webhook text NOT NULL,
                route text NOT NULL,
                entity bytea NOT NULL,
                status smallint NOT NULL CHECK (status BETWEEN 0 AND 5),
                attempts integer NOT NULL,
                last_error text,
                created_at timestamptz NOT NULL,
                updated_at timestamptz NOT NULL,
                due_at timestamptz,
                lease_id uuid
            );

            -- Leasing: waiting and leased tasks (New, Processing, Retry) by when they are due, oldest first. A new task is
            -- due when it was created, a retry at due_at, a leased task when its lease (due_at) runs out.
            CREATE INDEX tasks_due ON {schema}.tasks ((COALESCE(due_at, created_at)), id) WHERE status IN (0, 1, 5);

            -- Listings, retries and real-time leases: each filter, paged by id. Webhook and route match case-insensitively.
            CREATE INDEX tasks_request ON {schema}.tasks (request_id, id);
            CREATE INDEX tasks_webhook ON {schema}.tasks (lower(webhook), id);
            CREATE INDEX tasks_route ON {schema}.tasks (lower(route), id);
            CREATE INDEX tasks_status ON {schema}.tasks (status, id);

            -- Pruning: finished and skipped tasks by when they last changed.
            CREATE INDEX tasks_done ON {schema}.tasks (updated_at) WHERE status IN (2, 4);

            CREATE TABLE {schema}.task_attempts (
                task_id uuid NOT NULL REFERENCES {schema}.tasks (id) ON DELETE CASCADE,
                seq bigint GENERATED ALWAYS AS IDENTITY,
                number integer NOT NULL,
                started_at timestamptz NOT NULL,
                finished_at timestamptz NOT NULL,
                outcome smallint NOT NULL,
                error text,
                PRIMARY KEY (task_id, seq)
            );

            CREATE TABLE {schema}.idempotency_claims (
                webhook text NOT NULL,
                key text NOT NULL,
                request_id text NOT NULL,
                items integer NOT NULL,
                tasks integer NOT NULL,
                expires_at timestamptz NOT NULL,
                PRIMARY KEY (webhook, key)
            );

            CREATE INDEX idempotency_claims_expiry ON {schema}.idempotency_claims (expires_at);
            """),
        (2, "fewer indexes for a task a webhook stores", """
            -- Each index costs every stored task an index insert and its WAL; two of them served only the task list.
            -- Tasks by webhook are read in id order and filtered; tasks by status keep an index for the statuses a task
            -- ends in (Finished, Failed, Skipped), which a New task never enters; the queue's statuses are in tasks_due.
            DROP INDEX {schema}.tasks_webhook;
            DROP INDEX {schema}.tasks_status;
            CREATE INDEX tasks_ended ON {schema}.tasks (status, id) WHERE status IN (2, 3, 4);
            """),
        (3, "the receiver's status code of an attempt", """
            ALTER TABLE {schema}.task_attempts ADD COLUMN status_code integer;
            """),
        (4, "captures of the pattern to items, and branches", """
            -- Adding columns with constants as defaults rewrites no rows.
            ALTER TABLE {schema}.tasks
                ADD COLUMN captures jsonb,                               -- JSON array of strings; NULL when none
                ADD COLUMN parent_id uuid,                               -- the task a brancher split this one from
                ADD COLUMN first_transformer integer NOT NULL DEFAULT 0; -- a branch starts after its brancher
            """),
    ];

    public PostgreSqlSchema(string name)
    {
        Name = name;
        Quoted = Quote(name);
        Tasks = Quoted + ".tasks";
        Attempts = Quoted + ".task_attempts";
        Claims = Quoted + ".idempotency_claims";
        Versions = Quoted + ".schema_version";
        Channel = name + "_tasks";
        LockKey = AdvisoryLockKey(name);
    }

    /// <summary>Gets the version the newest migration brings the schema to.</summary>
    public static int LatestVersion => Migrations[^1].Version;

    /// <summary>Gets the schema name, unquoted.</summary>
    public string Name { get; }

    /// <summary>Gets the schema name, quoted for SQL.</summary>
    public string Quoted { get; }

    /// <summary>Gets the tasks table, qualified and quoted.</summary>
    public string Tasks { get; }

    /// <summary>Gets the attempts table.</summary>
    public string Attempts { get; }

    /// <summary>Gets the idempotency claims table.</summary>
    public string Claims { get; }

    /// <summary>Gets the table of applied migrations.</summary>
    public string Versions { get; }

    /// <summary>Gets the notification channel a commit notifies and listeners listen on; one per schema.</summary>
    public string Channel { get; }

    /// <summary>Gets the <c>pg_advisory_xact_lock</c> key that serializes migrations of this schema.</summary>
    public long LockKey { get; }

    /// <summary>
    /// Gets the <c>pg_advisory_xact_lock</c> key an idempotency claim of a key takes while its batch is open: a stable
    /// 64-bit hash (FNV-1a, the same in every process and version) of the schema, the webhook and the key. Two keys that
    /// share a hash only make their claimers wait for each other.
    /// </summary>
    public long ClaimLockKey(string webhook, string key) => Hash("Alumio.Webhooks.PostgreSql/claim/" + Name + "\0" + webhook + "\0" + key);

    /// <summary>Gets the statement that creates the version table when it is missing.</summary>
    public string CreateVersionsTable =>
        $"CREATE TABLE IF NOT EXISTS {Versions} (version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())";

    /// <summary>Gets the migrations newer than <paramref name="version"/>, in order, with the schema name filled in.</summary>
    public IEnumerable<(int Version, string Description, string Sql)> After(int version) =>
        Migrations.Where(migration => migration.Version > version).Select(migration => (migration.Version, migration.Description, migration.Sql.Replace("{schema}", Quoted, StringComparison.Ordinal)));

    /// <summary>Gets the whole script that creates the schema at the latest version; running it again changes nothing.</summary>
    public string Script()
    {
        var script = new StringBuilder()
            .AppendLine("-- Alumio.Webhooks.PostgreSql: the task store schema " + Quoted + " at version " + LatestVersion + ".")
            .AppendLine("BEGIN;")
            .AppendLine($"SELECT pg_advisory_xact_lock({LockKey});")
            .AppendLine($"CREATE SCHEMA IF NOT EXISTS {Quoted};")
            .AppendLine(CreateVersionsTable + ";");
        foreach (var (version, description, sql) in After(0))
        {
            // Each migration runs only when it is not recorded yet, so the script also upgrades an older schema.
            script.AppendLine()
                .AppendLine($"-- Version {version}: {description}")
                .AppendLine("DO $migration$")
                .AppendLine("BEGIN")
                .AppendLine($"IF NOT EXISTS (SELECT FROM {Versions} WHERE version = {version}) THEN")
                .AppendLine(sql.TrimEnd())
                .AppendLine($"INSERT INTO {Versions} (version, description) VALUES ({version}, '{description.Replace("'", "''", StringComparison.Ordinal)}');")
                .AppendLine("END IF;")
                .AppendLine("END")
                .AppendLine("$migration$;");
        }

        return script.AppendLine("COMMIT;").ToString();
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A stable 64-bit key per schema (FNV-1a over a fixed prefix and the name), the same in every process.</summary>
    private static long AdvisoryLockKey(string schema) => Hash("Alumio.Webhooks.PostgreSql/" + schema);

    /// <summary>FNV-1a over the text's UTF-8 bytes.</summary>
    private static long Hash(string text)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}
