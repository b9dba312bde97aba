using System.Diagnostics;
using System.Text.Json;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>
/// A quick in-process comparison for working on the JSON path (`-- profile-json`): the bare scan and parse+split
/// over the same body (`SIZE_MB` MiB, 100 by default), alternated, best of `ROUNDS` (8 by default) each. BenchmarkDotNet's JsonBenchmarks gives the recorded figures.
/// </summary>
public static class ProfileJson
{
    public static async Task RunAsync()
    {
        var body = Inputs.Json(int.TryParse(Environment.GetEnvironmentVariable("SIZE_MB"), out var size) ? size : 100);
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("ROUNDS"), out var r) ? r : 8;
        var parser = new JsonParser();
        var bare = double.MaxValue;
        var ours = double.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var watch = Stopwatch.StartNew();
            var reader = new Utf8JsonReader(body);
            var tokens = 0;
            while (reader.Read())
            {
                tokens++;
            }

            bare = Math.Min(bare, watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            var items = await ItemCounter.CountAsync(parser, "orders", body);
            ours = Math.Min(ours, watch.Elapsed.TotalMilliseconds);
            GC.KeepAlive(tokens + items);
        }

        Console.WriteLine($"bare scan: best {bare:F2} ms; parse+split: best {ours:F2} ms; ratio {(double)ours / bare:F2} (share of bare throughput {100.0 * bare / ours:F0} %)");
    }
}
