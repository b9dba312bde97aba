using System.Net;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Tests.Validation;

public class IpAddressRequestValidatorTests
{
    private readonly IpAddressRequestValidator _validator = new(["10.0.0.0/8", "192.168.1.7", "::1", "2001:db8::/32"]);

    [TestCase("10.0.0.1")]
    [TestCase("10.255.255.255")]
    [TestCase("192.168.1.7")]
    [TestCase("::1")]
    [TestCase("2001:db8::1")]
    [TestCase("2001:db8:ffff:ffff::42")]
    [TestCase("::ffff:10.1.2.3")]
    [TestCase("::ffff:192.168.1.7")]
    public async Task Ip_validator_accepts_an_allowed_address(string address)
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithRemoteIpAddress(IPAddress.Parse(address)), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase("11.0.0.1")]
    [TestCase("9.255.255.255")]
    [TestCase("192.168.1.8")]
    [TestCase("127.0.0.1")]
    [TestCase("::2")]
    [TestCase("2001:db9::1")]
    [TestCase("::ffff:11.1.2.3")]
    public async Task Ip_validator_refuses_another_address_with_403_without_listing_the_allowed_ones(string address)
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithRemoteIpAddress(IPAddress.Parse(address)), CancellationToken.None);

        result.StatusCode.Should().Be(403);
        result.Detail.Should().Be("This address may not send to this webhook.");
    }

    [Test]
    public async Task Ip_validator_refuses_a_request_without_a_remote_address()
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithRemoteIpAddress(null), CancellationToken.None);

        result.StatusCode.Should().Be(403);
        result.Detail.Should().Be(IpAddressRequestValidator.ForbiddenDetail);
    }

    [TestCase("10.0.0.0/8")]
    [TestCase("10.1.2.3")]
    [TestCase("::1")]
    [TestCase("2001:db8::/32")]
    [TestCase("0.0.0.0/0")]
    [TestCase("::/0")]
    public void Ip_ranges_parse_addresses_and_cidr_ranges(string text)
    {
        IpAddressRequestValidator.TryParseRange(text, out _).Should().BeTrue();
    }

    [TestCase("")]
    [TestCase("10")]
    [TestCase("10.0.0")]
    [TestCase("10.1.2.3/8")]
    [TestCase("10.0.0.0/33")]
    [TestCase("::1/129")]
    [TestCase("example.com")]
    [TestCase("10.0.0.0/")]
    [TestCase("300.0.0.1")]
    public void Ip_ranges_refuse_anything_else(string text)
    {
        IpAddressRequestValidator.TryParseRange(text, out _).Should().BeFalse();
    }

    [Test]
    public void Ip_validator_names_the_index_of_a_bad_entry()
    {
        FluentActions.Invoking(() => new IpAddressRequestValidator(["10.0.0.0/8", "nonsense"]))
            .Should().Throw<ArgumentException>().WithMessage("Allowed entry 1 *");
        FluentActions.Invoking(() => new IpAddressRequestValidator(Array.Empty<string>())).Should().Throw<ArgumentException>();
    }
}
