using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Alumio.Webhooks.AspNetCore.Tests.Support;

/// <summary>
/// Signs webhook bodies with the senders' own npm libraries by running <c>tests/signers/sign.mjs</c> under node,
/// so tests send requests signed by real sender code. Needs node and npm on the PATH; never skips without them.
/// </summary>
internal static class NodeSigners
{
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan SignTimeout = TimeSpan.FromMinutes(1);
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly SemaphoreSlim InstallLock = new(1, 1);
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static bool _installed;

    /// <summary>One body to sign, as sign.mjs reads it.</summary>
    /// <param name="Scheme">standard-webhooks, svix, github, stripe, shopify or slack.</param>
    /// <param name="Secret">The shared secret as the sender shows it (standard-webhooks and svix: <c>whsec_</c> + base64).</param>
    /// <param name="Payload">The exact body; signed as UTF-8.</param>
    /// <param name="Id">The message id for standard-webhooks and svix; sign.mjs makes a random one when null.</param>
    /// <param name="Timestamp">Unix seconds for standard-webhooks, svix, stripe and slack; now when null.</param>
    public sealed record SignRequest(string Scheme, string Secret, string Payload, string? Id = null, long? Timestamp = null);

    /// <summary>The headers each sender would send, one dictionary per request in the same order; names compare case-insensitively.</summary>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> SignAsync(IReadOnlyList<SignRequest> requests, CancellationToken ct = default)
    {
        var directory = SignersDirectory();
        await EnsureInstalledAsync(directory, ct);

        var input = JsonSerializer.Serialize(requests, JsonOptions);
        var result = await RunAsync("node", ["sign.mjs"], directory, input, SignTimeout, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"node sign.mjs exited with code {result.ExitCode}: {result.Stderr.Trim()}");
        }

        var signed = JsonSerializer.Deserialize<List<Dictionary<string, string>>>(result.Stdout)
            ?? throw new InvalidOperationException("node sign.mjs wrote null instead of an array.");
        if (signed.Count != requests.Count)
        {
            throw new InvalidOperationException($"node sign.mjs returned {signed.Count} header sets for {requests.Count} requests.");
        }

        return signed
            .Select(headers => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase))
            .ToList();
    }

    private static string SignersDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Alumio.sln")))
            {
                return Path.Combine(directory.FullName, "tests", "signers");
            }
        }

        throw new InvalidOperationException($"No directory above {AppContext.BaseDirectory} holds Alumio.sln, so tests/signers cannot be found.");
    }

    /// <summary>Runs <c>npm ci</c> once when the dependencies are not installed; npm writes node_modules/.package-lock.json last, so a half-finished install counts as missing.</summary>
    private static async Task EnsureInstalledAsync(string directory, CancellationToken ct)
    {
        if (Volatile.Read(ref _installed))
        {
            return;
        }

        await InstallLock.WaitAsync(ct);
        try
        {
            if (!_installed && !File.Exists(Path.Combine(directory, "node_modules", ".package-lock.json")))
            {
                var npm = OperatingSystem.IsWindows() ? "npm.cmd" : "npm";
                var result = await RunAsync(npm, ["ci", "--no-audit", "--no-fund"], directory, input: null, InstallTimeout, ct);
                if (result.ExitCode != 0)
                {
                    throw new InvalidOperationException($"npm ci in {directory} exited with code {result.ExitCode}: {result.Stderr.Trim()} {result.Stdout.Trim()}");
                }
            }

            Volatile.Write(ref _installed, true);
        }
        finally
        {
            InstallLock.Release();
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string directory, string? input, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException(
                $"Could not start '{fileName}': node and npm are required for the signature tests (CI installs them; locally install Node.js with npm). {e.Message}", e);
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeoutSource.CancelAfter(timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeoutSource.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeoutSource.Token);
        try
        {
            try
            {
                if (input is not null)
                {
                    await process.StandardInput.WriteAsync(input.AsMemory(), timeoutSource.Token);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The process ended without reading its input; its exit code and stderr say why.
            }

            await process.WaitForExitAsync(timeoutSource.Token);
            return (process.ExitCode, await stdout, await stderr);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' in {directory} did not finish within {timeout}.");
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
    }
}
