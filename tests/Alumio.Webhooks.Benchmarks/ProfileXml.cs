using System.Diagnostics;
using System.Xml;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>
/// A quick in-process comparison for working on the XML path (`-- profile-xml [names]`, `ROUNDS` rounds, 6 by
/// default, over `SIZE_MB` MiB, 100 by default): the bare reader loop, a few floors (what reading every name and value costs, without our
/// mapping), our writer on the calling thread and the whole item path, over the same body, alternated
/// round by round; best and median of each. Naming some cases (comma-separated parts of their names) runs
/// only those, for a profiler. BenchmarkDotNet's XmlBenchmarks gives the recorded figures.
/// </summary>
public static class ProfileXml
{
    /// <summary>Times each way of reading the same 100 MiB; with <paramref name="only"/>, just the cases whose name contains it (for a profiler).</summary>
    public static void Run(string? only = null)
    {
        Only = only;
        var body = Inputs.Xml(int.TryParse(Environment.GetEnvironmentVariable("SIZE_MB"), out var size) ? size : 100);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true, CloseInput = false };
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("ROUNDS"), out var r) ? r : 6;
        for (var round = 0; round < rounds; round++)
        {
            Time("bare Read()", () => { using var r = XmlReader.Create(new MemoryStream(body), settings); while (r.Read()) { } });
            Time("Read()+Value for text+attrs", () =>
            {
                using var r = XmlReader.Create(new MemoryStream(body), settings);
                while (r.Read())
                {
                    if (r.NodeType == XmlNodeType.Text) { _ = r.Value; }
                    if (r.NodeType == XmlNodeType.Element && r.MoveToFirstAttribute()) { do { _ = r.Value; } while (r.MoveToNextAttribute()); r.MoveToElement(); }
                }
            });
            var chunk = new char[4096];
            Time("floor: all reader calls, text by Value", () => Floor(body, settings, r => r.Value.Length));
            Time("floor: all reader calls, text by ReadValueChunk", () => Floor(body, settings, r =>
            {
                int k, n = 0;
                while ((k = r.ReadValueChunk(chunk, 0, chunk.Length)) > 0)
                {
                    n += k;
                }

                return n;
            }));
            var utf8 = new byte[1 << 20];
            Time("floor: all reader calls, names and values transcoded to UTF-8, an array per item", () =>
            {
                using var r = XmlReader.Create(new MemoryStream(body), settings);
                var n = 0;
                while (r.Read())
                {
                    switch (r.NodeType)
                    {
                        case XmlNodeType.Element:
                            if (r.Depth == 1 && n > 0) { GC.KeepAlive(utf8.AsSpan(0, n).ToArray()); n = 0; }
                            n += System.Text.Encoding.UTF8.GetBytes(r.Name, utf8.AsSpan(n)) + (r.IsEmptyElement ? 1 : 0);
                            if (r.HasAttributes && r.MoveToFirstAttribute()) { do { n += System.Text.Encoding.UTF8.GetBytes(r.Name, utf8.AsSpan(n)) + System.Text.Encoding.UTF8.GetBytes(r.Value, utf8.AsSpan(n)); } while (r.MoveToNextAttribute()); r.MoveToElement(); }
                            break;
                        case XmlNodeType.Text: n += System.Text.Encoding.UTF8.GetBytes(r.Value, utf8.AsSpan(n)); break;
                    }
                }
                GC.KeepAlive(n);
            });
            var parser = new XmlParser(XmlReadMethod.Incremental);
            Time("full item path (worker thread)", () => ItemCounter.CountAsync(parser, "shipments.shipment", body).GetAwaiter().GetResult());
            var inMemory = new XmlParser(XmlReadMethod.Incremental) { PumpThreshold = int.MaxValue };
            Time("full item path from memory (calling thread)", () => ItemCounter.CountAsync(inMemory, "shipments.shipment", body).GetAwaiter().GetResult());
            var writer = new XmlItemWriter(false, []);
            Time("walker+writer (sync, memory)", () =>
            {
                using var r = XmlReader.Create(new MemoryStream(body), settings);
                r.MoveToContent();
                while (r.Read())
                {
                    if (r.NodeType == XmlNodeType.Element && r.Depth == 1) { writer.Write(r, null, _ => { }); }
                }
            });
        }
    }

    private static readonly Dictionary<string, List<double>> Times = [];

    private static string? Only;

    /// <summary>Every reader call the item path makes (names, depth, attributes), with text read by <paramref name="text"/>.</summary>
    private static void Floor(byte[] body, XmlReaderSettings settings, Func<XmlReader, int> text)
    {
        using var r = XmlReader.Create(new MemoryStream(body), settings);
        var n = 0;
        while (r.Read())
        {
            switch (r.NodeType)
            {
                case XmlNodeType.Element:
                    n += r.Depth + r.Name.Length + (r.IsEmptyElement ? 1 : 0);
                    if (r.HasAttributes && r.MoveToFirstAttribute())
                    {
                        do
                        {
                            n += r.Name.Length + r.Value.Length;
                        }
                        while (r.MoveToNextAttribute());
                        r.MoveToElement();
                    }

                    break;
                case XmlNodeType.Text:
                    n += text(r);
                    break;
            }
        }

        GC.KeepAlive(n);
    }

    private static void Time(string name, Action action)
    {
        if (Only is not null && !Only.Split(',').Any(o => name.Contains(o, StringComparison.Ordinal)))
        {
            return;
        }

        var sw = Stopwatch.StartNew();
        action();
        if (!Times.TryGetValue(name, out var times))
        {
            Times[name] = times = [];
        }

        times.Add(sw.Elapsed.TotalMilliseconds);
    }

    public static void Report()
    {
        var bare = Times.TryGetValue("bare Read()", out var b) ? b.Min() : 0;
        foreach (var (name, times) in Times)
        {
            times.Sort();
            var share = bare > 0 ? $", share of bare {100.0 * bare / times[0]:F0} %" : string.Empty;
            Console.WriteLine($"{name}: best {times[0]:F1} ms, median {times[times.Count / 2]:F1} ms{share}");
        }
    }
}
