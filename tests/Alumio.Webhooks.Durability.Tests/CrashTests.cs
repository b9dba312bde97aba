using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Alumio.Webhooks.Durability.Tests.Support;

namespace Alumio.Webhooks.Durability.Tests;

/// <summary>
/// A real host process under load is killed with SIGKILL and started again on the same store: every request that got a
/// 200 has all its tasks delivered afterwards, and a task is delivered twice only if it was in flight at the kill.
/// </summary>
public abstract class CrashTests
{
    /// <summary>The load host's BatchSize: at most this many tasks are leased, so in flight, at the moment of the kill.</summary>
    private const int MaxInFlight = 64;

    /// <summary>The arguments that point the load host at a fresh store.</summary>
    protected abstract Task<string[]> StoreArgumentsAsync();

    [Test]
    public async Task No_acknowledged_task_is_lost_when_the_host_is_killed_under_load()
    {
        await using var sink = await Sink.StartAsync();
        var store = await StoreArgumentsAsync();
        string[] arguments = [.. store, "--sink", sink.BaseUrl, "--processor", "true"];
        var port = HostProcess.FreePort();
        var acknowledged = new ConcurrentBag<int>();

        await using (var host = await HostProcess.StartAsync(port, arguments))
        {
            using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
            var next = -1;
            var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var request = Interlocked.Increment(ref next);
                    try
                    {
                        using var message = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/orders")
                        {
                            Content = JsonContent.Create(new { orders = new[] { new { id = $"r{request}-0" }, new { id = $"r{request}-1" } } }),
                        };
                        message.Headers.Add("X-Alumio-Auth", "VerySecret");
                        using var response = await client.SendAsync(message);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Add(request);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // The host is gone: this request was never acknowledged.
                    }
                    catch (TaskCanceledException)
                    {
                    }
                }
            })).ToList();

            await Task.Delay(TimeSpan.FromSeconds(3));
            await host.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(senders);
        }

        acknowledged.Should().HaveCountGreaterThan(50, "the host was under load when it was killed");
        var deliveredBeforeRestart = sink.Delivered.Count;

        await using (var restarted = await HostProcess.StartAsync(port, arguments))
        {
            using var client = new HttpClient { BaseAddress = restarted.BaseAddress };
            await Eventually.HoldsAsync(async () => await PendingAsync(client) == 0, TimeSpan.FromSeconds(120));
        }

        var delivered = sink.Delivered.ToList();
        var missing = acknowledged
            .SelectMany(request => new[] { $"erp:r{request}-0", $"shop:r{request}-0", $"erp:r{request}-1", $"shop:r{request}-1" })
            .Except(delivered)
            .ToList();
        var duplicates = delivered.GroupBy(d => d).Count(g => g.Count() > 1);
        TestContext.Progress.WriteLine($"acknowledged {acknowledged.Count} requests; {deliveredBeforeRestart} deliveries before the kill, {delivered.Count} in all; {duplicates} delivered twice");

        missing.Should().BeEmpty("every task of every acknowledged request is delivered after the restart");
        duplicates.Should().BeLessThanOrEqualTo(MaxInFlight, "only tasks in flight at the kill may be delivered again");
    }

    private static async Task<int> PendingAsync(HttpClient client)
    {
        var pending = 0;
        foreach (var status in new[] { "New", "Processing", "Retry" })
        {
            using var document = JsonDocument.Parse(await client.GetStringAsync($"/api/v1/tasks?status={status}&limit=500"));
            pending += document.RootElement.GetProperty("items").GetArrayLength();
        }

        return pending;
    }
}
