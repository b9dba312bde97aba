using System.Text;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Configuration;

public class ValidatorConfigurationTests
{
    [Test]
    public async Task A_header_validator_is_configured_with_a_value()
    {
        var validator = BuildValidator("""{ "Prototype": "header", "Header": "X-Alumio-Auth", "Value": "VerySecret" }""");

        validator.Should().BeOfType<HeaderRequestValidator>().Which.Header.Should().Be("X-Alumio-Auth");
        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "VerySecret"))).Should().BeTrue();
    }

    [Test]
    public async Task A_header_validator_is_configured_with_several_values_for_rotation()
    {
        var validator = BuildValidator("""{ "Prototype": "header", "Header": "X-Alumio-Auth", "Values": [ "OldSecret", "NewSecret" ] }""");

        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "OldSecret"))).Should().BeTrue();
        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "NewSecret"))).Should().BeTrue();
        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "Other"))).Should().BeFalse();
    }

    [Test]
    public async Task A_header_validator_is_configured_with_a_pattern()
    {
        var validator = BuildValidator("""{ "Prototype": "header", "Header": "X-Alumio-Auth", "Pattern": "^Token [0-9]+$" }""");

        validator.Should().BeOfType<HeaderRequestValidator>().Which.Pattern!.Options.Should().HaveFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "Token 42"))).Should().BeTrue();
        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "Token x"))).Should().BeFalse();
    }

    [TestCase("""{ "Prototype": "header", "Header": "X-Auth" }""", "Alumio:Webhooks:w:Validators:0:Value or Values or Pattern is required: exactly one of them.")]
    [TestCase("""{ "Prototype": "header", "Header": "X-Auth", "Value": "TopSecret42", "Pattern": "^a$" }""", "Alumio:Webhooks:w:Validators:0:Value or Values or Pattern is required: exactly one of them.")]
    [TestCase("""{ "Prototype": "header", "Header": "X-Auth", "Values": [ "TopSecret42", "" ] }""", "Alumio:Webhooks:w:Validators:0:Values:1 may not be empty.")]
    [TestCase("""{ "Prototype": "header", "Header": "X-Auth", "Pattern": "(TopSecret42" }""", "Alumio:Webhooks:w:Validators:0:Pattern is not a valid regular expression (InsufficientClosingParentheses at offset 12).")]
    [TestCase("""{ "Prototype": "header", "Header": "X-Auth", "Pattern": "(TopSecret42)\\1" }""", "Alumio:Webhooks:w:Validators:0:Pattern uses a construct that non-backtracking matching does not support, such as a backreference or lookaround.")]
    [TestCase("""{ "Prototype": "header", "Value": "TopSecret42" }""", "Alumio:Webhooks:w:Validators:0:Header is required.")]
    public void Bad_header_settings_stop_start_up_without_echoing_secrets(string validator, string error)
    {
        var errors = BuildErrors(validator);

        errors.Should().Equal(error);
        string.Join("\n", errors).Should().NotContain("TopSecret42");
    }

    [Test]
    public async Task Header_validators_declared_in_code_match_the_configured_ones()
    {
        var model = BuildModel(null, webhooks => webhooks
            .AddWebhook("a", w => w.Incoming("in").ValidateHeader("X-Auth", ["OldSecret", "NewSecret"]))
            .AddWebhook("b", w => w.Incoming("in").ValidateHeaderPattern("X-Auth", "^Token [0-9]+$")));

        (await Validate(model.Webhooks["a"].Validators.Single(), new TestRequest("{}").WithHeader("X-Auth", "NewSecret"))).Should().BeTrue();
        (await Validate(model.Webhooks["b"].Validators.Single(), new TestRequest("{}").WithHeader("X-Auth", "Token 7"))).Should().BeTrue();
    }

    private static async Task<bool> Validate(IRequestValidator validator, TestRequest request) =>
        (await validator.ValidateAsync(request, CancellationToken.None)).Succeeded;

    private static IRequestValidator BuildValidator(string validator) =>
        BuildModel(validator).Webhooks["w"].Validators.Should().ContainSingle().Subject;

    private static IReadOnlyList<string> BuildErrors(string validator)
    {
        var act = () => BuildModel(validator);
        return act.Should().Throw<AlumioConfigurationException>().Which.Errors;
    }

    private static WebhookModel BuildModel(string? validator, Action<AlumioWebhooksBuilder>? configure = null)
    {
        var services = new ServiceCollection();
        var webhooks = services.AddAlumioWebhooks();
        webhooks.AddConfiguration(Configuration(validator));
        configure?.Invoke(webhooks);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<WebhookModel>();
    }

    private static IConfigurationSection Configuration(string? validator)
    {
        var webhooks = validator is null ? "{ }" : $$"""{ "w": { "Incoming": "in", "Validators": [ {{validator}} ] } }""";
        var json = $$"""
            { "Alumio": {
                "Webhooks": {{webhooks}},
                "Incoming": { "in": { "Parser": "json" } },
                "Outgoing": { "o": { "Prototype": "http", "Url": "https://example.invalid/x" } },
                "Routes": { "r": { "Incoming": "in", "Outgoing": "o" } } } }
            """;
        return new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Alumio");
    }
}
