using System.Diagnostics;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>
/// The constant-time secret comparison on its own (`-- profile-secrets`): the candidates of
/// <see cref="SecretComparisonBenchmarks"/> alternated in one process, best of `ROUNDS` (200 by default) rounds of
/// 100,000 comparisons each. In one process the candidates share the same compiled code and memory, which separate
/// BenchmarkDotNet processes do not, so a difference that is only the process's shows up less.
/// </summary>
public static class ProfileSecrets
{
    public static void Run()
    {
        const int Calls = 100_000;
        var rounds = int.TryParse(Environment.GetEnvironmentVariable("ROUNDS"), out var r) ? r : 200;
        var comparer = SecretComparer.Create([SecretComparisonBenchmarks.Secret, SecretComparisonBenchmarks.OldSecret], "values");
        var candidates = SecretComparisonBenchmarks.Candidates.Select(name => (Name: name, Token: SecretComparisonBenchmarks.Token(name))).ToArray();
        var best = new double[candidates.Length];
        Array.Fill(best, double.MaxValue);
        var matched = 0;
        for (var round = 0; round < rounds; round++)
        {
            for (var c = 0; c < candidates.Length; c++)
            {
                var token = candidates[c].Token;
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < Calls; i++)
                {
                    matched += comparer.MatchesAny(token) ? 1 : 0;
                }

                best[c] = Math.Min(best[c], watch.Elapsed.TotalNanoseconds / Calls);
            }
        }

        for (var c = 0; c < candidates.Length; c++)
        {
            Console.WriteLine($"{candidates[c].Name,-18} {candidates[c].Token.Length,3} chars  {best[c],7:F1} ns");
        }

        Console.WriteLine($"(matched {matched:N0} times; only \"right\" should match)");
    }
}
