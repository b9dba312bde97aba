using System.Diagnostics;
using System.Xml;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Benchmarks;

public static class ProfileXml
{
    public static void Run()
    {
        var body = Inputs.Xml(100);
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true, CloseInput = false };
        for (var round = 0; round < 6; round++)
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
            var writer = new XmlItemWriter(r => r.Name, []);
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

    private static readonly Dictionary<string, long> Best = [];

    private static void Time(string name, Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        Best[name] = Math.Min(Best.GetValueOrDefault(name, long.MaxValue), sw.ElapsedMilliseconds);
    }

    public static void Report()
    {
        foreach (var (name, ms) in Best)
        {
            Console.WriteLine($"{name}: best {ms} ms");
        }
    }
}
