using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Tests.Validation;

public class BearerTokenRequestValidatorTests
{
    private readonly BearerTokenRequestValidator _validator = new(["OldToken", "NewToken"]);

    [TestCase("Bearer OldToken")]
    [TestCase("Bearer NewToken")]
    [TestCase("bearer NewToken")]
    [TestCase("BEARER NewToken")]
    public async Task Bearer_validator_accepts_a_right_token_with_the_scheme_in_any_case(string authorization)
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithHeader("Authorization", authorization), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Bearer")]
    [TestCase("Bearer ")]
    [TestCase("Bearer newtoken")]
    [TestCase("Bearer NewToken2")]
    [TestCase("Basic NewToken")]
    [TestCase("Token NewToken")]
    [TestCase("NewToken")]
    [TestCase("BearerNewToken")]
    public async Task Bearer_validator_rejects_a_wrong_token_or_scheme_with_401(string? authorization)
    {
        var request = new TestRequest("{}");
        if (authorization is not null)
        {
            request.WithHeader("Authorization", authorization);
        }

        var result = await _validator.ValidateAsync(request, CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task Bearer_validator_rejects_a_repeated_authorization_header()
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithHeader("Authorization", "Bearer wrong", "Bearer NewToken"), CancellationToken.None);

        result.StatusCode.Should().Be(401);
    }

    [Test]
    public void Bearer_validator_needs_a_token_and_never_echoes_it()
    {
        FluentActions.Invoking(() => new BearerTokenRequestValidator("")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new BearerTokenRequestValidator(Array.Empty<string>())).Should().Throw<ArgumentException>();
        new BearerTokenRequestValidator("TopSecret42").ToString().Should().NotContain("TopSecret42");
    }
}
