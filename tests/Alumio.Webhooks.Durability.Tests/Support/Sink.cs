using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Alumio.Webhooks.Durability.Tests.Support;

/// <summary>
/// A receiving system on a loopback port: records every delivery as (system, entity id), and can refuse a share of
/// them with 503 to play a flaky receiver.
/// </summary>
public sealed class Sink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Sink(WebApplication app, int port)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{port}/deliver";
    }

    /// <summary>Gets the URL to deliver to; systems are addressed as <c>{BaseUrl}/{system}</c>.</summary>
    public string BaseUrl { get; }

    /// <summary>Gets every accepted delivery as <c>system:id</c>, duplicates included.</summary>
    public ConcurrentQueue<string> Delivered { get; } = new();

    /// <summary>Gets how many deliveries were refused.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>Gets or sets the share of deliveries refused with 503, from 0 to 1.</summary>
    public double FailureRate { get; set; }

    public static async Task<Sink> StartAsync()
    {
        var port = FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var sink = new Sink(app, port);
        app.MapPost("/deliver/{system}", sink.DeliverAsync);
        await app.StartAsync();
        return sink;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task DeliverAsync(HttpContext context, string system)
    {
        if (FailureRate > 0 && Random.Shared.NextDouble() < FailureRate)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var document = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        Delivered.Enqueue(system + ":" + document.RootElement.GetProperty("id").GetString());
        context.Response.StatusCode = StatusCodes.Status200OK;
    }
}
