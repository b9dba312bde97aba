using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Tests.Validation;

public class QueryRequestValidatorTests
{
    private readonly QueryRequestValidator _validator = new("token", ["OldSecret", "NewSecret"]);

    [TestCase("OldSecret")]
    [TestCase("NewSecret")]
    public async Task Query_validator_accepts_every_token_while_a_secret_is_rotated(string token)
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithQuery("token", token), CancellationToken.None);

        result.Succeeded.Should().BeTrue();
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("oldsecret")]
    [TestCase("NewSecre")]
    [TestCase("NewSecretX")]
    public async Task Query_validator_rejects_a_wrong_or_missing_token_with_401(string? token)
    {
        var request = new TestRequest("{}");
        if (token is not null)
        {
            request.WithQuery("token", token);
        }

        var result = await _validator.ValidateAsync(request, CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task Query_validator_rejects_a_repeated_parameter_even_if_one_value_is_right()
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithQuery("token", "wrong", "NewSecret"), CancellationToken.None);

        result.StatusCode.Should().Be(401);
        result.Detail.Should().Be("Wrong authentication token provided.");
    }

    [Test]
    public async Task Query_validator_ignores_a_token_in_another_parameter()
    {
        var result = await _validator.ValidateAsync(new TestRequest("{}").WithQuery("Token", "NewSecret"), CancellationToken.None);

        result.Succeeded.Should().BeFalse();
    }

    [Test]
    public void Query_validator_needs_a_name_and_a_token_and_never_echoes_it()
    {
        FluentActions.Invoking(() => new QueryRequestValidator("", "x")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new QueryRequestValidator("token", "")).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new QueryRequestValidator("token", ["TopSecret42", ""]))
            .Should().Throw<ArgumentException>().Which.Message.Should().NotContain("TopSecret42");
        new QueryRequestValidator("token", "TopSecret42").ToString().Should().NotContain("TopSecret42");
    }
}
