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
        builder.Services.AddAlumioWebhooks(builder.Configuration.GetSection("Alumio"))
            .AddValidatorPrototype("xml-content-type", _ => new XmlContentTypeValidator())
            .AddTransformerPrototype("shop-tracking", _ => new ShopTrackingTransformer());

        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapWebhooks();
        app.MapWebhookTasks();
        FakeSystems.Map(app);
        return app;
    }
}
