using System.Text.Json;
using Alumio.Webhooks.Parsing;
using BenchmarkDotNet.Attributes;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>JSON parse + pattern to items against a bare <see cref="Utf8JsonReader"/> scan of the same bytes.</summary>
[MemoryDiagnoser]
public class JsonBenchmarks
{
    private readonly JsonParser _parser = new();
    private byte[] _body = [];

    [Params(1, 100)]
    public int SizeMB { get; set; }

    [GlobalSetup]
    public void Setup() => _body = Inputs.Json(SizeMB);

    [Benchmark(Baseline = true, Description = "bare Utf8JsonReader scan")]
    public int BareScan()
    {
        var reader = new Utf8JsonReader(_body);
        var tokens = 0;
        while (reader.Read())
        {
            tokens++;
        }

        return tokens;
    }

    [Benchmark(Description = "json parse+split (streaming)")]
    public Task<int> ParseAndSplit() => ItemCounter.CountAsync(_parser, "orders", _body);

    /// <summary>The same items through a wildcard key, so each item also carries its index as a capture (<c>$1</c>).</summary>
    [Benchmark(Description = "json parse+split with a capture per item")]
    public Task<int> ParseAndSplitWithCaptures() => ItemCounter.CountAsync(_parser, "orders.*", _body);
}
