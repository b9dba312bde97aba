using System.Text.Json;
using Alumio.Webhooks.Parsing;
using BenchmarkDotNet.Attributes;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>NDJSON lines to items against a bare <see cref="Utf8JsonReader"/> scan of the same bytes.</summary>
[MemoryDiagnoser]
public class NdjsonBenchmarks
{
    private readonly NdjsonParser _parser = new();
    private byte[] _body = [];

    [Params(1, 100)]
    public int SizeMB { get; set; }

    [GlobalSetup]
    public void Setup() => _body = Inputs.Ndjson(SizeMB);

    [Benchmark(Baseline = true, Description = "bare Utf8JsonReader scan (multiple values)")]
    public int BareScan()
    {
        var reader = new Utf8JsonReader(_body, new JsonReaderOptions { AllowMultipleValues = true });
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark(Description = "ndjson parse+split")]
    public Task<int> ParseAndSplit() => ItemCounter.CountAsync(_parser, null, _body);
}
