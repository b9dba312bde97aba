using System.Text;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Tests.Validation;

public class BasicAuthenticationRequestValidatorTests
{
    private readonly BasicAuthenticationRequestValidator _validator = new("wms", "p:ss word");

    [TestCase("Basic")]
    [TestCase("basic")]
    [TestCase("BASIC")]
    public async Task Basic_validator_accepts_the_right_credentials(string scheme)
    {
        var result = await _validator.ValidateAsync(Request($"{scheme} {Encode("wms:p:ss word")}"), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase("wmx:p:ss word")]
    [TestCase("WMS:p:ss word")]
    [TestCase("wms:p:ss wore")]
    [TestCase("wms:")]
    [TestCase(":p:ss word")]
    [TestCase("wms p:ss word")]
    [TestCase("wmsp:ss word")]
    [TestCase("")]
    public async Task Basic_validator_rejects_a_wrong_user_wrong_password_or_missing_colon_with_401(string credentials)
    {
        var result = await _validator.ValidateAsync(Request($"Basic {Encode(credentials)}"), CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be("Wrong authentication token provided.");
    }

    [TestCase("Basic not*base64")]
    [TestCase("Basic d21zOnA6c3Mgd29yZA")]
    [TestCase("Basic =")]
    [TestCase("Basic")]
    [TestCase("Bearer d21zOnA6c3Mgd29yZA==")]
    [TestCase("d21zOnA6c3Mgd29yZA==")]
    [TestCase("Basic /w==")]
    public async Task Basic_validator_rejects_a_malformed_header_with_401(string authorization)
    {
        var result = await _validator.ValidateAsync(Request(authorization), CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task Basic_validator_rejects_a_missing_or_repeated_header_with_401()
    {
        var missing = await _validator.ValidateAsync(new TestRequest("{}"), CancellationToken.None);
        var repeated = await _validator.ValidateAsync(
            new TestRequest("{}").WithHeader("Authorization", $"Basic {Encode("wms:p:ss word")}", $"Basic {Encode("wms:p:ss word")}"),
            CancellationToken.None);

        missing.StatusCode.Should().Be(401);
        repeated.StatusCode.Should().Be(401);
    }

    [Test]
    public void Basic_validator_needs_a_username_without_colon_and_a_password_and_never_echoes_them()
    {
        FluentActions.Invoking(() => new BasicAuthenticationRequestValidator("", "x")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new BasicAuthenticationRequestValidator("user", "")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new BasicAuthenticationRequestValidator("us:er", "TopSecret42"))
            .Should().Throw<ArgumentException>().Which.Message.Should().NotContain("us:er").And.NotContain("TopSecret42");
        new BasicAuthenticationRequestValidator("user", "TopSecret42").ToString().Should().NotContain("TopSecret42");
    }

    private static TestRequest Request(string authorization) => new TestRequest("{}").WithHeader("Authorization", authorization);

    private static string Encode(string credentials) => Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials));
}
