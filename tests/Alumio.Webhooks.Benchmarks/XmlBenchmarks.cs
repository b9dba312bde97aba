using System.Xml;
using Alumio.Webhooks.Parsing;
using BenchmarkDotNet.Attributes;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>XML parse + pattern to items against a bare <see cref="XmlReader.Read"/> loop over the same bytes.</summary>
[MemoryDiagnoser]
public class XmlBenchmarks
{
    private static readonly XmlReaderSettings BareSettings = new() { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null };
    private readonly XmlParser _incremental = new(XmlReadMethod.Incremental);
    private byte[] _body = [];

    [Params(1, 100)]
    public int SizeMB { get; set; }

    [GlobalSetup]
    public void Setup() => _body = Inputs.Xml(SizeMB);

    [Benchmark(Baseline = true, Description = "bare XmlReader.Read() loop")]
    public int BareScan()
    {
        using var reader = XmlReader.Create(new MemoryStream(_body, writable: false), BareSettings);
        var nodes = 0;
        while (reader.Read())
        {
            nodes++;
        }

        return nodes;
    }

    [Benchmark(Description = "xml parse+split (Incremental)")]
    public Task<int> ParseAndSplit() => ItemCounter.CountAsync(_incremental, "shipments.shipment", _body);
}
