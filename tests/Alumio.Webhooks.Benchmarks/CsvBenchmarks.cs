using Alumio.Webhooks.Parsing;
using BenchmarkDotNet.Attributes;
using nietras.SeparatedValues;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>CSV rows to items against a bare Sep row loop that touches every column of the same bytes.</summary>
[MemoryDiagnoser]
public class CsvBenchmarks
{
    private readonly CsvParser _parser = new();
    private byte[] _body = [];

    [Params(1, 100)]
    public int SizeMB { get; set; }

    [GlobalSetup]
    public void Setup() => _body = Inputs.Csv(SizeMB);

    [Benchmark(Baseline = true, Description = "bare Sep row loop")]
    public int BareScan()
    {
        using var reader = Sep.Reader().From(_body);
        var chars = 0;
        foreach (var row in reader)
        {
            for (var i = 0; i < row.ColCount; i++)
            {
                chars += row[i].Span.Length;
            }
        }

        return chars;
    }

    [Benchmark(Description = "csv parse+split")]
    public Task<int> ParseAndSplit() => ItemCounter.CountAsync(_parser, null, _body);
}
