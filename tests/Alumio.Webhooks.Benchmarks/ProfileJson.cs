using System.Diagnostics;
using System.Text.Json;
using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>
/// A quick in-process comparison for working on the JSON path (`-- profile-json`): the bare scan and parse+split
/// over the same 100 MiB, alternated, best of eight each. BenchmarkDotNet's JsonBenchmarks gives the recorded figures.
/// </summary>
public static class ProfileJson
{
    public static async Task RunAsync()
    {
        var body = Inputs.Json(100);
        var parser = new JsonParser();
        var bare = long.MaxValue;
        var ours = long.MaxValue;
        for (var round = 0; round < 8; round++)
        {
            var watch = Stopwatch.StartNew();
            var reader = new Utf8JsonReader(body);
            var tokens = 0;
            while (reader.Read())
            {
                tokens++;
            }

            bare = Math.Min(bare, watch.ElapsedMilliseconds);
            watch.Restart();
            var items = await ItemCounter.CountAsync(parser, "orders", body);
            ours = Math.Min(ours, watch.ElapsedMilliseconds);
            GC.KeepAlive(tokens + items);
        }

        Console.WriteLine($"bare scan: best {bare} ms; parse+split: best {ours} ms; ratio {(double)ours / bare:F2} (share of bare throughput {100.0 * bare / ours:F0} %)");
    }
}
