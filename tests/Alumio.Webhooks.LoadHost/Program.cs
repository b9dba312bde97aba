using Alumio.Webhooks.Outgoing;

// A host for load runs and crash tests, started as its own process:
//   --store memory|sqlite|postgres  --connection "<connection string>"  --schema <postgres schema>
//   --sink http://127.0.0.1:port/base   (routes deliver to {sink}/erp and {sink}/shop; without it, deliveries succeed at once in process)
//   --processor true|false  --retries N  --urls http://127.0.0.1:port
//   --fresh true   (postgres: drop the schema first, so a load run starts from an empty table as a SQLite run does)
// Endpoints: POST /bare reads the body and answers 200 (the baseline), POST /api/v1/webhook/load (JSON, header
// validator, two routes), POST /api/v1/webhook/orders (JSON, "orders" pattern to items, two routes), the tasks API.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddProblemDetails();
var settings = builder.Configuration;
var sink = settings["sink"];
var retries = int.Parse(settings["retries"] ?? "10", System.Globalization.CultureInfo.InvariantCulture);

var webhooks = builder.Services.AddAlumioWebhooks(alumio => alumio
    .AddIncoming("load", incoming => incoming.ParseJson())
    .AddIncoming("orders", incoming => incoming.ParseJson().PatternToItems("orders"))
    .AddWebhook("load", webhook => webhook.Incoming("load").ValidateHeader("X-Alumio-Auth", "VerySecret"))
    .AddWebhook("orders", webhook => webhook.Incoming("orders").ValidateHeader("X-Alumio-Auth", "VerySecret"))
    .AddOutgoing("erp", outgoing => Sink(outgoing, "erp"))
    .AddOutgoing("shop", outgoing => Sink(outgoing, "shop"))
    .AddRoute("load-erp", route => route.From("load").To("erp").Retry(retries, TimeSpan.FromSeconds(1)))
    .AddRoute("load-shop", route => route.From("load").To("shop").Retry(retries, TimeSpan.FromSeconds(1)))
    .AddRoute("orders-erp", route => route.From("orders").To("erp").Retry(retries, TimeSpan.FromSeconds(1)))
    .AddRoute("orders-shop", route => route.From("orders").To("shop").Retry(retries, TimeSpan.FromSeconds(1)))
    .ConfigureProcessor(options =>
    {
        options.Enabled = bool.Parse(settings["processor"] ?? "true");
        options.BatchSize = 64;
        options.MaxConcurrency = 16;
        options.LeaseDuration = TimeSpan.FromSeconds(10);
    }));

switch (settings["store"] ?? "memory")
{
    case "memory":
        break;
    case "sqlite":
        webhooks.UseSqliteTaskStore(settings["connection"] ?? throw new InvalidOperationException("--connection is required."));
        break;
    case "postgres":
        if (bool.Parse(settings["fresh"] ?? "false"))
        {
            await DropSchemaAsync(settings["connection"]!, settings["schema"] ?? "alumio");
        }

        webhooks.UsePostgreSqlTaskStore(settings["connection"] ?? throw new InvalidOperationException("--connection is required."), options => options.Schema = settings["schema"] ?? "alumio");
        break;
    default:
        throw new InvalidOperationException($"Unknown --store '{settings["store"]}'; use memory, sqlite or postgres.");
}

var app = builder.Build();
var delivered = 0L;
app.MapPost("/bare", Bare);
app.MapPost("/bare/{system}", context =>
{
    // Deliveries of the routes arrive with a system (/bare/erp, /bare/shop); load.sh times them through /delivered.
    Interlocked.Increment(ref delivered);
    return Bare(context);
});
app.MapGet("/delivered", () => Interlocked.Read(ref delivered));
app.MapWebhooks();
app.MapWebhookTasks();
app.Run();

void Sink(Alumio.Webhooks.Configuration.OutgoingBuilder outgoing, string system)
{
    if (sink is null)
    {
        outgoing.Deliver((_, _, _) => ValueTask.FromResult(OutgoingResult.Success(200)));
    }
    else
    {
        outgoing.Http(HttpMethod.Post, sink.TrimEnd('/') + "/" + system);
    }
}

static async Task DropSchemaAsync(string connectionString, string schema)
{
    await using var dataSource = Npgsql.NpgsqlDataSource.Create(connectionString);
    await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
    await command.ExecuteNonQueryAsync();
}

static async Task Bare(HttpContext context)
{
    // The baseline: read the same body, answer 200 with a small JSON body, no webhook work.
    var buffer = new byte[16 * 1024];
    while (await context.Request.Body.ReadAsync(buffer, context.RequestAborted) > 0)
    {
    }

    context.Response.ContentType = "application/json";
    await context.Response.WriteAsync("""{"ok":true}""", context.RequestAborted);
}
