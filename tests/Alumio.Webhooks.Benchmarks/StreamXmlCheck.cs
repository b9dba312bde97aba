using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Tasks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>
/// Streams a generated XML file (default 1 GiB, one million shipments) through the whole receiving path
/// (header validator, Incremental XML, pattern to items, two routes, task batches) into a store that
/// counts and drops the tasks, and reports items/s and the process's peak working set.
/// </summary>
public static class StreamXmlCheck
{
    public static async Task<int> RunAsync(string[] args)
    {
        var items = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1_000_000;
        var bytesPerItem = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1074;
        var path = Path.Combine(Path.GetTempPath(), $"alumio-shipments-{items}-{bytesPerItem}.xml");
        if (!File.Exists(path))
        {
            Generate(path, items, bytesPerItem);
        }

        var size = new FileInfo(path).Length;
        var store = new DiscardingStore();
        var services = new ServiceCollection();
        services.AddSingleton<ITaskStore>(store);
        services.AddAlumioWebhooks(webhooks => webhooks
            .ConfigureProcessor(o => o.Enabled = false)
            .AddIncoming("wms", incoming => incoming.ParseXml(XmlReadMethod.Incremental).PatternToItems("shipments.shipment"))
            .AddWebhook("wms", webhook => webhook.Incoming("wms").ValidateHeader("X-Alumio-Auth", "VerySecret").MaxBodySize(long.MaxValue))
            .AddOutgoing("erp", o => o.Http(HttpMethod.Post, "http://127.0.0.1:9/orders/&{orderId}/complete"))
            .AddOutgoing("shop", o => o.Http(HttpMethod.Post, "http://127.0.0.1:9/tracking"))
            .AddRoute("erp", r => r.From("wms").To("erp"))
            .AddRoute("shop", r => r.From("wms").To("shop")));
        await using var provider = services.BuildServiceProvider();
        var receiver = provider.GetRequiredService<WebhookReceiver>();

        GC.Collect();
        var baseline = Process.GetCurrentProcess().WorkingSet64;
        var stopwatch = Stopwatch.StartNew();
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous | FileOptions.SequentialScan);
        var result = await receiver.ReceiveAsync("wms", new FileRequest(file), CancellationToken.None);
        stopwatch.Stop();
        var process = Process.GetCurrentProcess();
        process.Refresh();

        if (!result.Succeeded)
        {
            Console.Error.WriteLine($"Refused: {result.Problem.StatusCode} {result.Problem.Detail}");
            return 1;
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"file: {path} ({size / 1024.0 / 1024:F0} MiB, {items:N0} shipments)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"items: {result.Items:N0}, tasks: {result.Tasks:N0} (stored in {store.Batches:N0} batches, committed {store.Commits})"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"time: {seconds:F1} s, {result.Items / seconds:N0} items/s, {size / 1024.0 / 1024 / seconds:F1} MiB/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"working set: before {baseline / 1024.0 / 1024:F0} MiB, peak {process.PeakWorkingSet64 / 1024.0 / 1024:F0} MiB"));
        return process.PeakWorkingSet64 < 200L * 1024 * 1024 ? 0 : 2;
    }

    private static void Generate(string path, int items, int bytesPerItem)
    {
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        writer.Write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<shipments>\n");
        for (var i = 0; i < items; i++)
        {
            var shipment = Inputs.XmlShipment(i);
            var padding = Math.Max(0, bytesPerItem - shipment.Length - 20);
            writer.Write(shipment.AsSpan(0, shipment.Length - "</shipment>".Length));
            writer.Write("<note>");
            writer.Write(new string('x', padding));
            writer.Write("</note></shipment>\n");
        }

        writer.Write("</shipments>\n");
    }

    private sealed class FileRequest(Stream body) : WebhookRequest
    {
        public override string Method => "POST";

        public override string? ContentType => "application/xml";

        public override long? ContentLength => body.Length;

        public override Stream Body => body;

        public override IPAddress? RemoteIpAddress => IPAddress.Loopback;

        public override bool TryGetHeader(string name, out StringValues values)
        {
            values = name.Equals("X-Alumio-Auth", StringComparison.OrdinalIgnoreCase) ? "VerySecret" : StringValues.Empty;
            return values.Count > 0;
        }

        public override bool TryGetQuery(string name, out StringValues values)
        {
            values = StringValues.Empty;
            return false;
        }
    }

    /// <summary>Counts the tasks it is given and keeps none, so only the receiving path is measured.</summary>
    private sealed class DiscardingStore() : DelegatingTaskStore(new InMemoryTaskStore(TimeProvider.System))
    {
        public long Batches { get; private set; }

        public int Commits { get; private set; }

        public override ValueTask<ITaskBatch> BeginBatchAsync(CancellationToken cancellationToken) => ValueTask.FromResult<ITaskBatch>(new Batch(this));

        private sealed class Batch(DiscardingStore store) : ITaskBatch
        {
            public ValueTask AddAsync(IReadOnlyList<WebhookTask> tasks, CancellationToken cancellationToken)
            {
                store.Batches++;
                return ValueTask.CompletedTask;
            }

            public ValueTask<IdempotentRequest?> ClaimAsync(IdempotentRequest claim, CancellationToken cancellationToken) => ValueTask.FromResult<IdempotentRequest?>(null);

            public ValueTask CommitAsync(CancellationToken cancellationToken)
            {
                store.Commits++;
                return ValueTask.CompletedTask;
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
