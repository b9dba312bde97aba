using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Alumio.Webhooks.Durability.Tests.Support;

/// <summary>The load host (tests/Alumio.Webhooks.LoadHost) running as its own process, so that it can be killed for real.</summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process _process;

    private HostProcess(Process process, int port)
    {
        _process = process;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public Uri BaseAddress { get; }

    /// <summary>Starts the host and waits until it answers.</summary>
    public static async Task<HostProcess> StartAsync(int port, params string[] arguments)
    {
        var dll = Path.Combine(RepositoryRoot(), "tests", "Alumio.Webhooks.LoadHost", "bin", Configuration(), "net10.0", "Alumio.Webhooks.LoadHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"The load host is not built at {dll}.");
        }

        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The load host did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { TestContext.Progress.WriteLine("host: " + e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new HostProcess(process, port);
        using var client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        for (var i = 0; i < 300; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The load host exited with code {process.ExitCode}.");
            }

            try
            {
                using var response = await client.PostAsync("/bare", null);
                if (response.IsSuccessStatusCode)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException("The load host did not answer within 30 seconds.");
    }

    /// <summary>Kills the process at once (SIGKILL on Linux): no shutdown, no flush, no goodbye.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Configuration() =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Alumio.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Alumio.sln was not found above " + AppContext.BaseDirectory);
    }
}
