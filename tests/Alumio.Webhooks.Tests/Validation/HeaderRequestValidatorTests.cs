using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Tests.Validation;

public class HeaderRequestValidatorTests
{
    private readonly HeaderRequestValidator _validator = new("X-Alumio-Auth", "VerySecret");

    [Test]
    public async Task Header_validator_accepts_the_right_token()
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithHeader("x-alumio-auth", "VerySecret"), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("verysecret")]
    [TestCase("VerySecret ")]
    [TestCase("VerySecre")]
    [TestCase("VerySecretX")]
    public async Task Header_validator_rejects_a_wrong_or_missing_token_with_401(string? token)
    {
        var request = new TestRequest("{}");
        if (token is not null)
        {
            request.WithHeader("X-Alumio-Auth", token);
        }

        var result = await _validator.ValidateAsync(request, CancellationToken.None);

        result.Succeeded.Should().BeFalse();
        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task Header_validator_rejects_a_repeated_header_even_if_one_value_is_right()
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithHeader("X-Alumio-Auth", "wrong", "VerySecret"), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
    }

    [Test]
    public void Header_validator_needs_a_header_and_a_value()
    {
        FluentActions.Invoking(() => new HeaderRequestValidator("", "x")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new HeaderRequestValidator("X-Auth", "")).Should().Throw<ArgumentException>();
    }
}
