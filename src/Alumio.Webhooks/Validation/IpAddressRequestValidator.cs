using System.Net;
using System.Net.Sockets;
using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only from an allowed address or range (prototype <c>ip</c>), IPv4 or IPv6, using the
/// connection's remote address. An IPv4 address mapped into IPv6 (<c>::ffff:10.1.2.3</c>) matches IPv4 ranges.
/// A request without a known remote address is refused with <c>403</c>.
/// </summary>
/// <remarks>
/// Behind a reverse proxy the remote address is the proxy's; use ASP.NET Core's forwarded-headers middleware
/// (<c>UseForwardedHeaders</c> with the proxy in <c>KnownProxies</c> or <c>KnownNetworks</c>) so it becomes the sender's.
/// </remarks>
public sealed class IpAddressRequestValidator : IRequestValidator
{
    /// <summary>The detail of the problem answered when the address is not allowed. It never lists the allowed addresses.</summary>
    public const string ForbiddenDetail = "This address may not send to this webhook.";

    private readonly IPNetwork[] _allowed;

    /// <summary>Initializes a new instance of the <see cref="IpAddressRequestValidator"/> class.</summary>
    /// <param name="allowed">The allowed ranges; a single address is a range of one (<c>/32</c> or <c>/128</c>). At least one.</param>
    public IpAddressRequestValidator(IEnumerable<IPNetwork> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        _allowed = [.. allowed];
        if (_allowed.Length == 0)
        {
            throw new ArgumentException("At least one allowed address or range is required.", nameof(allowed));
        }
    }

    /// <summary>Initializes a new instance of the <see cref="IpAddressRequestValidator"/> class from text.</summary>
    /// <param name="allowed">Addresses and CIDR ranges such as <c>10.0.0.0/8</c>, <c>::1</c> or <c>2001:db8::/32</c>. At least one.</param>
    /// <exception cref="ArgumentException">An entry is not an address or range; the message names its index.</exception>
    public IpAddressRequestValidator(IEnumerable<string> allowed)
        : this(ParseAll(allowed))
    {
    }

    /// <summary>Gets the allowed ranges.</summary>
    public IReadOnlyList<IPNetwork> Allowed => _allowed;

    /// <summary>Parses an address (a range of one) or a CIDR range whose address has no bits set beyond the prefix.</summary>
    /// <param name="text">The text, such as <c>10.0.0.0/8</c>, <c>192.168.1.7</c>, <c>::1</c> or <c>2001:db8::/32</c>.</param>
    /// <param name="network">The range, when valid.</param>
    /// <returns><see langword="true"/> when <paramref name="text"/> is a valid address or range.</returns>
    public static bool TryParseRange(string? text, out IPNetwork network)
    {
        network = default;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var addressText = slash < 0 ? text : text[..slash];

        // IPAddress.TryParse takes "10" for 0.0.0.10; an IPv4 entry must have all four parts.
        if (!addressText.Contains(':', StringComparison.Ordinal) && addressText.Count(c => c == '.') != 3)
        {
            return false;
        }

        if (addressText.Contains('%', StringComparison.Ordinal) || !IPAddress.TryParse(addressText, out var address))
        {
            return false;
        }

        if (slash >= 0)
        {
            // A range such as 10.1.2.3/8 is refused rather than silently widened: it is most likely a typo.
            return IPNetwork.TryParse(text, out network) && network.BaseAddress.Equals(address);
        }

        network = new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128);
        return true;
    }

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        return ValueTask.FromResult(IsAllowed(request.RemoteIpAddress) ? RequestValidationResult.Success : RequestValidationResult.Fail(403, ForbiddenDetail));
    }

    private bool IsAllowed(IPAddress? address)
    {
        if (address is null)
        {
            return false;
        }

        var mapped = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : null;
        foreach (var network in _allowed)
        {
            if (network.Contains(address) || (mapped is not null && network.Contains(mapped)))
            {
                return true;
            }
        }

        return false;
    }

    private static List<IPNetwork> ParseAll(IEnumerable<string> allowed)
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var networks = new List<IPNetwork>();
        var index = 0;
        foreach (var text in allowed)
        {
            if (!TryParseRange(text, out var network))
            {
                throw new ArgumentException($"Allowed entry {index} is not an IP address or CIDR range with no bits set beyond its prefix.", nameof(allowed));
            }

            networks.Add(network);
            index++;
        }

        return networks;
    }
}
