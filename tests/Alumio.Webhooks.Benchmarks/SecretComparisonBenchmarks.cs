using System.Net;
using System.Security.Cryptography;
using System.Text;
using Alumio.Webhooks.Receiving;
using Alumio.Webhooks.Validation;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Primitives;

namespace Alumio.Webhooks.Benchmarks;

/// <summary>
/// A wrong secret or signature takes as long to refuse whether its first or its last byte differs, or its length:
/// the figures of each group should agree within the noise.
/// </summary>
public class SecretComparisonBenchmarks
{
    /// <summary>The secret the candidates are made from.</summary>
    public const string Secret = "VerySecret-0123456789abcdef0123456789abcdef";

    /// <summary>The second accepted value, as during a rotation.</summary>
    public const string OldSecret = "OldSecret-fedcba9876543210";

    /// <summary>The candidates presented, by name.</summary>
    public static readonly string[] Candidates = ["right", "first byte wrong", "last byte wrong", "shorter"];
    private static readonly byte[] Body = Encoding.UTF8.GetBytes(new string('x', 1024));

    private readonly HeaderRequestValidator _header = new("X-Alumio-Auth", [Secret, OldSecret]);
    private readonly HmacSignatureValidator _github = HmacSignatureValidator.GitHub(["github-secret"]);
    private HeaderOnlyRequest _request = null!;

    /// <summary>Gets or sets which candidate is presented.</summary>
    [Params("right", "first byte wrong", "last byte wrong", "shorter")]
    public string Candidate { get; set; } = "right";

    /// <summary>The header value presented as a candidate.</summary>
    public static string Token(string candidate) => candidate switch
    {
        "first byte wrong" => "X" + Secret[1..],
        "last byte wrong" => Secret[..^1] + "X",
        "shorter" => Secret[..^10],
        _ => Secret,
    };

    [GlobalSetup]
    public void Setup()
    {
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData("github-secret"u8, Body));
        var token = Token(Candidate);
        var hmac = Candidate switch
        {
            "first byte wrong" => Flip(signature, 0),
            "last byte wrong" => Flip(signature, signature.Length - 1),
            "shorter" => signature[..^10],
            _ => signature,
        };
        _request = new HeaderOnlyRequest(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Alumio-Auth"] = token,
            ["X-Hub-Signature-256"] = "sha256=" + hmac,
        });
    }

    [Benchmark(Description = "header validator")]
    public bool Header() => _header.ValidateAsync(_request, CancellationToken.None).Result.Succeeded;

    [Benchmark(Description = "github signature over 1 KiB")]
    public bool GitHub()
    {
        if (!_github.ValidateAsync(_request, CancellationToken.None).Result.Succeeded)
        {
            return false;
        }

        using var verifier = _github.CreateVerifier(_request);
        verifier.Append(Body);
        return verifier.Verify().Succeeded;
    }

    private static string Flip(string hex, int index) => hex[..index] + (hex[index] == '0' ? '1' : '0') + hex[(index + 1)..];

    private sealed class HeaderOnlyRequest(Dictionary<string, string> headers) : WebhookRequest
    {
        public override string Method => "POST";

        public override string? ContentType => "application/json";

        public override long? ContentLength => Body.Length;

        public override Stream Body => Stream.Null;

        public override IPAddress? RemoteIpAddress => IPAddress.Loopback;

        public override bool TryGetHeader(string name, out StringValues values)
        {
            var found = headers.TryGetValue(name, out var value);
            values = found ? new StringValues(value) : StringValues.Empty;
            return found;
        }

        public override bool TryGetQuery(string name, out StringValues values)
        {
            values = StringValues.Empty;
            return false;
        }
    }
}
