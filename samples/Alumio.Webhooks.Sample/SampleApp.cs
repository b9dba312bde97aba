using Microsoft.Data.Sqlite;

namespace Alumio.Webhooks.Sample;

/// <summary>Builds the sample host; Program.cs runs it and the tests start it on a loopback port.</summary>
public static class SampleApp
{
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"))
                ? Directory.GetCurrentDirectory()
                : AppContext.BaseDirectory,
        });

        builder.Services.AddProblemDetails();
        builder.Services.AddSingleton<FakeSystems>();

        // The webhook, incoming, outgoings and routes come from appsettings.json ("Alumio");
        // the two prototypes below are this host's own code, named there by prototype.
        // Tasks are kept in a SQLite file (ConnectionStrings:AlumioTasks), so they survive a restart.
        builder.Services.AddAlumioWebhooks(builder.Configuration.GetSection("Alumio"))
            .AddValidatorPrototype("xml-content-type", _ => new XmlContentTypeValidator())
            .AddTransformerPrototype("shop-tracking", _ => new ShopTrackingTransformer())
            .UseSqliteTaskStore(TaskStoreConnectionString(builder));

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapWebhooks();
        app.MapWebhookTasks();
        app.MapWebhookRoutes();
        FakeSystems.Map(app);
        return app;
    }

    /// <summary>The task store's connection string, its file relative to the content root (next to appsettings.json).</summary>
    private static string TaskStoreConnectionString(WebApplicationBuilder builder)
    {
        var connection = new SqliteConnectionStringBuilder(builder.Configuration.GetConnectionString("AlumioTasks") ?? "Data Source=alumio-tasks.db");
        connection.DataSource = Path.GetFullPath(connection.DataSource, builder.Environment.ContentRootPath);
        return connection.ToString();
    }
}
