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

    [TestCase("OldSecret")]
    [TestCase("NewSecret")]
    public async Task Header_validator_accepts_every_value_while_a_secret_is_rotated(string token)
    {
        var validator = new HeaderRequestValidator("X-Alumio-Auth", ["OldSecret", "NewSecret"]);

        var result = await validator.ValidateAsync(new TestRequest("{}").WithHeader("X-Alumio-Auth", token), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [Test]
    public async Task Header_validator_with_several_values_rejects_any_other_with_401()
    {
        var validator = new HeaderRequestValidator("X-Alumio-Auth", ["OldSecret", "NewSecret"]);

        var result = await validator.ValidateAsync(new TestRequest("{}").WithHeader("X-Alumio-Auth", "OtherSecret"), CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be(HeaderRequestValidator.WrongTokenDetail);
    }

    [TestCase("Token abc123")]
    [TestCase("Token 9")]
    public async Task Header_validator_accepts_a_header_matching_the_pattern(string value)
    {
        var validator = new HeaderRequestValidator("X-Alumio-Auth", HeaderRequestValidator.CreatePattern("^Token [a-z0-9]+$"));

        var result = await validator.ValidateAsync(new TestRequest("{}").WithHeader("X-Alumio-Auth", value), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Token ABC")]
    [TestCase("Bearer abc")]
    [TestCase("Token abc extra")]
    public async Task Header_validator_rejects_a_header_not_matching_the_pattern_with_401(string? value)
    {
        var validator = new HeaderRequestValidator("X-Alumio-Auth", HeaderRequestValidator.CreatePattern("^Token [a-z0-9]+$"));
        var request = new TestRequest("{}");
        if (value is not null)
        {
            request.WithHeader("X-Alumio-Auth", value);
        }

        var result = await validator.ValidateAsync(request, CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be(HeaderRequestValidator.WrongTokenDetail);
    }

    [Test]
    public async Task Header_validator_with_a_pattern_rejects_a_repeated_header()
    {
        var validator = new HeaderRequestValidator("X-Alumio-Auth", HeaderRequestValidator.CreatePattern("^Token [a-z0-9]+$"));

        var result = await validator.ValidateAsync(new TestRequest("{}").WithHeader("X-Alumio-Auth", "Token a", "Token b"), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
    }

    [Test]
    public void Header_pattern_compiles_non_backtracking_and_culture_invariant()
    {
        var pattern = HeaderRequestValidator.CreatePattern("^a+$");

        pattern.Options.Should().HaveFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking)
            .And.HaveFlag(System.Text.RegularExpressions.RegexOptions.CultureInvariant);
    }

    [TestCase("(unclosed")]
    [TestCase("(a)\\1")]
    public void Header_pattern_refuses_an_invalid_or_unsupported_expression_without_echoing_it(string pattern)
    {
        FluentActions.Invoking(() => HeaderRequestValidator.CreatePattern(pattern))
            .Should().Throw<ArgumentException>().Which.Message.Should().NotContain(pattern);
    }

    [Test]
    public void Header_validator_needs_at_least_one_non_empty_value_and_never_echoes_them()
    {
        FluentActions.Invoking(() => new HeaderRequestValidator("X-Auth", Array.Empty<string>())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new HeaderRequestValidator("X-Auth", ["TopSecret42", ""]))
            .Should().Throw<ArgumentException>().Which.Message.Should().NotContain("TopSecret42");
        new HeaderRequestValidator("X-Auth", "TopSecret42").ToString().Should().NotContain("TopSecret42");
    }
}
