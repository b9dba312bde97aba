using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.AspNetCore.Endpoints;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Transformation;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.AspNetCore.Routes;

/// <summary>The routes API: <c>POST routes/{route}/dry-run</c> runs a route's transformers on the sample entity in the body.</summary>
internal static class RouteEndpoints
{
    /// <summary>The largest sample entity accepted: a dry run is for developing a mapping, not for bulk data.</summary>
    public const int MaxSampleSize = 4 * 1024 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 1024 };

    public static async Task DryRunAsync(HttpContext context)
    {
        var name = (string)context.Request.RouteValues["route"]!;
        var model = context.RequestServices.GetRequiredService<WebhookModel>();
        if (!model.Routes.TryGetValue(name, out var route))
        {
            await Problems.WriteAsync(context, StatusCodes.Status404NotFound, "Unknown route", $"No route is named '{name}'.").ConfigureAwait(false);
            return;
        }

        if (context.Request.ContentLength > MaxSampleSize)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        var body = await ReadBodyAsync(context).ConfigureAwait(false);
        if (body is null)
        {
            await TooLargeAsync(context).ConfigureAwait(false);
            return;
        }

        JsonNode? entity;
        try
        {
            entity = JsonNode.Parse(body.WrittenSpan, documentOptions: JsonEntity.DocumentOptions);
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line
                ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}, position {exception.BytePositionInLine + 1}")
                : string.Empty;
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Malformed sample entity", $"The body is not valid JSON{where}.").ConfigureAwait(false);
            return;
        }

        if (entity is null)
        {
            await Problems.WriteAsync(context, StatusCodes.Status400BadRequest, "Malformed sample entity", "The body must be a JSON entity, not null.").ConfigureAwait(false);
            return;
        }

        var dryRun = context.RequestServices.GetRequiredService<RouteDryRun>();
        // ?capture=A1&capture=0 gives $1 and $2, as the incoming's pattern to items would for such an entity.
        string[] captures = [.. context.Request.Query["capture"].Select(value => value ?? string.Empty)];
        var result = await dryRun.RunAsync(route, entity, captures, context.RequestAborted).ConfigureAwait(false);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        var writer = new Utf8JsonWriter(context.Response.BodyWriter, WriterOptions);
        await using (writer.ConfigureAwait(false))
        {
            writer.WriteStartObject();
            writer.WriteString("route", route.Name);
            writer.WriteString("status", result.Status.ToString());
            writer.WritePropertyName("entity");
            if (result.Entity is { } transformed)
            {
                transformed.WriteTo(writer);
            }
            else
            {
                writer.WriteNullValue();
            }

            writer.WriteString("reason", result.Reason);
            if (result.Branched)
            {
                writer.WriteNumber("branches", result.Entities.Count);
            }

            writer.WriteEndObject();
        }
    }

    private static Task TooLargeAsync(HttpContext context) =>
        Problems.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, "Sample entity too large", $"A sample entity may be at most {MaxSampleSize} bytes.");

    /// <summary>Reads the body, or gives <see langword="null"/> as soon as it is larger than <see cref="MaxSampleSize"/>.</summary>
    private static async Task<ArrayBufferWriter<byte>?> ReadBodyAsync(HttpContext context)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await context.Request.Body.ReadAsync(memory, context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxSampleSize)
            {
                return null;
            }
        }
    }
}
