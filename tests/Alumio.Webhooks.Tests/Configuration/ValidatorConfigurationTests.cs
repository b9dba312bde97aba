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
    public async Task A_secret_written_as_a_setting_name_is_read_from_the_environment_without_a_configuration()
    {
        var name = "ALUMIO_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "NewSecret");
        try
        {
            var validator = BuildValidator($$"""{ "Prototype": "header", "Header": "X-Alumio-Auth", "Values": [ "OldSecret", "${{{name}}}" ] }""");

            (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "NewSecret"))).Should().BeTrue();
            (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "OldSecret"))).Should().BeTrue();
            (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "${" + name + "}"))).Should().BeFalse("the name is not the secret");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
    }

    [TestCase("github")]
    [TestCase("standard-webhooks")]
    public void A_secret_naming_a_setting_that_is_not_set_stops_start_up_with_one_error_naming_the_setting(string prototype)
    {
        var name = "ALUMIO_TEST_MISSING_" + Guid.NewGuid().ToString("N");

        BuildErrors($$"""{ "Prototype": "{{prototype}}", "Secret": "${{{name}}}" }""").Should().Equal(
            $"Alumio:Webhooks:w:Validators:0:Secret names the setting ${{{name}}}, which is not set as an environment variable.");
    }

    [Test]
    public async Task A_secret_that_only_looks_like_a_placeholder_is_taken_as_written()
    {
        var validator = BuildValidator("""{ "Prototype": "header", "Header": "X-Alumio-Auth", "Value": "${not a setting name!}" }""");

        (await Validate(validator, new TestRequest("{}").WithHeader("X-Alumio-Auth", "${not a setting name!}"))).Should().BeTrue();
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

    [Test]
    public async Task A_query_validator_is_configured_with_a_value_or_several()
    {
        var single = BuildValidator("""{ "Prototype": "query", "Name": "token", "Value": "VerySecret" }""");
        var rotated = BuildValidator("""{ "Prototype": "query", "Name": "token", "Values": [ "OldSecret", "NewSecret" ] }""");

        single.Should().BeOfType<QueryRequestValidator>().Which.Name.Should().Be("token");
        (await Validate(single, new TestRequest("{}").WithQuery("token", "VerySecret"))).Should().BeTrue();
        (await Validate(rotated, new TestRequest("{}").WithQuery("token", "OldSecret"))).Should().BeTrue();
        (await Validate(rotated, new TestRequest("{}").WithQuery("token", "NewSecret"))).Should().BeTrue();
        (await Validate(rotated, new TestRequest("{}").WithQuery("token", "VerySecret"))).Should().BeFalse();
    }

    [Test]
    public async Task A_basic_validator_is_configured_with_a_username_and_password()
    {
        var validator = BuildValidator("""{ "Prototype": "basic", "Username": "wms", "Password": "VerySecret" }""");

        validator.Should().BeOfType<BasicAuthenticationRequestValidator>();
        (await Validate(validator, new TestRequest("{}").WithHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("wms:VerySecret"))))).Should().BeTrue();
    }

    [Test]
    public async Task A_bearer_validator_is_configured_with_a_token_or_several()
    {
        var single = BuildValidator("""{ "Prototype": "bearer", "Token": "VerySecret" }""");
        var rotated = BuildValidator("""{ "Prototype": "bearer", "Tokens": [ "OldSecret", "NewSecret" ] }""");

        (await Validate(single, new TestRequest("{}").WithHeader("Authorization", "Bearer VerySecret"))).Should().BeTrue();
        (await Validate(rotated, new TestRequest("{}").WithHeader("Authorization", "Bearer OldSecret"))).Should().BeTrue();
        (await Validate(rotated, new TestRequest("{}").WithHeader("Authorization", "Bearer NewSecret"))).Should().BeTrue();
    }

    [Test]
    public async Task An_ip_validator_is_configured_with_addresses_and_ranges()
    {
        var validator = BuildValidator("""{ "Prototype": "ip", "Allow": [ "10.0.0.0/8", "::1", "2001:db8::/32" ] }""");

        validator.Should().BeOfType<IpAddressRequestValidator>().Which.Allowed.Should().HaveCount(3);
        (await Validate(validator, new TestRequest("{}").WithRemoteIpAddress(System.Net.IPAddress.Parse("10.9.8.7")))).Should().BeTrue();
        (await Validate(validator, new TestRequest("{}").WithRemoteIpAddress(System.Net.IPAddress.Parse("2001:db8::5")))).Should().BeTrue();
        (await Validate(validator, new TestRequest("{}").WithRemoteIpAddress(System.Net.IPAddress.Parse("11.0.0.1")))).Should().BeFalse();
    }

    [TestCase("""{ "Prototype": "query", "Value": "TopSecret42" }""", "Alumio:Webhooks:w:Validators:0:Name is required.")]
    [TestCase("""{ "Prototype": "query", "Name": "token" }""", "Alumio:Webhooks:w:Validators:0:Value or Values is required.")]
    [TestCase("""{ "Prototype": "query", "Name": "token", "Value": "TopSecret42", "Values": [ "TopSecret43" ] }""", "Alumio:Webhooks:w:Validators:0:Value and Values may not both be set.")]
    [TestCase("""{ "Prototype": "basic", "Password": "TopSecret42" }""", "Alumio:Webhooks:w:Validators:0:Username is required.")]
    [TestCase("""{ "Prototype": "basic", "Username": "wms" }""", "Alumio:Webhooks:w:Validators:0:Password is required.")]
    [TestCase("""{ "Prototype": "basic", "Username": "w:ms", "Password": "TopSecret42" }""", "Alumio:Webhooks:w:Validators:0:Username may not contain a colon.")]
    [TestCase("""{ "Prototype": "bearer" }""", "Alumio:Webhooks:w:Validators:0:Token or Tokens is required.")]
    [TestCase("""{ "Prototype": "bearer", "Token": "TopSecret42", "Tokens": [ "TopSecret43" ] }""", "Alumio:Webhooks:w:Validators:0:Token and Tokens may not both be set.")]
    [TestCase("""{ "Prototype": "bearer", "Tokens": [ "TopSecret42", "" ] }""", "Alumio:Webhooks:w:Validators:0:Tokens:1 may not be empty.")]
    [TestCase("""{ "Prototype": "bearer", "Token": "TopSecret42", "Secret": "TopSecret42" }""", "Alumio:Webhooks:w:Validators:0:Secret is not a setting of prototype 'bearer'.")]
    [TestCase("""{ "Prototype": "ip" }""", "Alumio:Webhooks:w:Validators:0:Allow is required: a list of IP addresses and CIDR ranges.")]
    public void Bad_validator_settings_stop_start_up_without_echoing_secrets(string validator, string error)
    {
        var errors = BuildErrors(validator);

        errors.Should().Equal(error);
        string.Join("\n", errors).Should().NotContain("TopSecret4");
    }

    [Test]
    public void Every_bad_ip_entry_is_a_start_up_error_naming_its_index()
    {
        var errors = BuildErrors("""{ "Prototype": "ip", "Allow": [ "10.0.0.0/8", "10.1.2.3/8", "::1", "nonsense" ] }""");

        errors.Should().Equal(
            "Alumio:Webhooks:w:Validators:0:Allow:1 is not an IP address or a CIDR range with no bits set beyond its prefix, such as 10.0.0.0/8, ::1 or 2001:db8::/32.",
            "Alumio:Webhooks:w:Validators:0:Allow:3 is not an IP address or a CIDR range with no bits set beyond its prefix, such as 10.0.0.0/8, ::1 or 2001:db8::/32.");
    }

    [Test]
    public async Task Validators_declared_in_code_match_the_configured_ones()
    {
        var model = BuildModel(null, webhooks => webhooks
            .AddWebhook("q", w => w.Incoming("in").ValidateQuery("token", "OldSecret", "NewSecret"))
            .AddWebhook("b", w => w.Incoming("in").ValidateBasic("wms", "VerySecret"))
            .AddWebhook("t", w => w.Incoming("in").ValidateBearer("VerySecret"))
            .AddWebhook("i", w => w.Incoming("in").ValidateIpAddress("10.0.0.0/8")));

        (await Validate(model.Webhooks["q"].Validators.Single(), new TestRequest("{}").WithQuery("token", "NewSecret"))).Should().BeTrue();
        (await Validate(model.Webhooks["b"].Validators.Single(), new TestRequest("{}").WithHeader("Authorization", "Basic d21zOlZlcnlTZWNyZXQ="))).Should().BeTrue();
        (await Validate(model.Webhooks["t"].Validators.Single(), new TestRequest("{}").WithHeader("Authorization", "Bearer VerySecret"))).Should().BeTrue();
        (await Validate(model.Webhooks["i"].Validators.Single(), new TestRequest("{}").WithRemoteIpAddress(System.Net.IPAddress.Parse("10.0.0.9")))).Should().BeTrue();
    }

    [Test]
    public void Bad_validators_declared_in_code_stop_start_up_naming_the_ip_entry()
    {
        var act = () => BuildModel(null, webhooks => webhooks.AddWebhook("i", w => w.Incoming("in").ValidateIpAddress("10.0.0.0/8", "nonsense")));

        act.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().ContainSingle().Which.Should().Contain("Allowed entry 1");
    }

    [Test]
    public async Task An_hmac_validator_is_configured_with_algorithm_header_template_encoding_and_secrets()
    {
        var validator = BuildValidator("""{ "Prototype": "hmac", "Algorithm": "SHA512", "Header": "X-Signature", "Template": "sha512={signature}", "Encoding": "base64", "Secrets": [ "old", "new" ] }""");

        var signature = Convert.ToBase64String(System.Security.Cryptography.HMACSHA512.HashData(Encoding.UTF8.GetBytes("new"), Encoding.UTF8.GetBytes("{}")));
        validator.Should().BeOfType<HmacSignatureValidator>().Which.Header.Should().Be("X-Signature");
        (await Validation.SignatureValidatorTests.CheckAsync((IRequestBodyValidator)validator, new TestRequest("{}").WithHeader("X-Signature", "sha512=" + signature), "{}")).Succeeded.Should().BeTrue();
    }

    [TestCase("""{ "Prototype": "github", "Secret": "s" }""", typeof(HmacSignatureValidator))]
    [TestCase("""{ "Prototype": "shopify", "Secrets": [ "s", "t" ] }""", typeof(HmacSignatureValidator))]
    [TestCase("""{ "Prototype": "stripe", "Secret": "whsec_s", "Tolerance": "00:10:00" }""", typeof(StripeSignatureValidator))]
    [TestCase("""{ "Prototype": "slack", "Secret": "s" }""", typeof(SlackSignatureValidator))]
    [TestCase("""{ "Prototype": "standard-webhooks", "Secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "Tolerance": "00:01:00" }""", typeof(StandardWebhooksSignatureValidator))]
    public void Every_signature_preset_is_a_prototype(string json, Type type) =>
        BuildValidator(json).Should().BeOfType(type);

    [Test]
    public void A_configured_tolerance_is_used()
    {
        BuildValidator("""{ "Prototype": "stripe", "Secret": "whsec_s", "Tolerance": "00:10:00" }""").Should().BeOfType<StripeSignatureValidator>()
            .Which.Tolerance.Should().Be(TimeSpan.FromMinutes(10));
        BuildValidator("""{ "Prototype": "slack", "Secret": "s" }""").Should().BeOfType<SlackSignatureValidator>()
            .Which.Tolerance.Should().Be(TimeSpan.FromMinutes(5));
    }

    [Test]
    public void Every_bad_hmac_setting_is_listed_without_repeating_a_secret()
    {
        var errors = BuildErrors("""{ "Prototype": "hmac", "Algorithm": "MD5", "Template": "sha256=", "Encoding": "base32", "Secret": "TopSecretValue", "Secrets": [ "x" ] }""");

        errors.Should().Contain(e => e.Contains("Algorithm 'MD5' is not one of SHA1, SHA256, SHA512", StringComparison.Ordinal))
            .And.Contain(e => e.Contains(":Header is required", StringComparison.Ordinal))
            .And.Contain(e => e.Contains(":Template must contain {signature} exactly once", StringComparison.Ordinal))
            .And.Contain(e => e.Contains(":Encoding 'base32' is not one of Hex, Base64", StringComparison.Ordinal))
            .And.Contain(e => e.Contains(":Secret and Secrets may not both be set", StringComparison.Ordinal));
        errors.Should().NotContain(e => e.Contains("TopSecretValue", StringComparison.Ordinal));
    }

    [TestCase("""{ "Prototype": "github" }""", ":Secret or Secrets is required")]
    [TestCase("""{ "Prototype": "shopify", "Secret": "" }""", ":Secret may not be empty")]
    [TestCase("""{ "Prototype": "stripe", "Secret": "whsec_s", "Tolerance": "five minutes" }""", ":Tolerance 'five minutes' is not a positive duration such as 00:05:00")]
    [TestCase("""{ "Prototype": "slack", "Secret": "s", "Tolerance": "2.00:00:00" }""", ":Tolerance must be between 00:00:01 and 1.00:00:00")]
    [TestCase("""{ "Prototype": "standard-webhooks", "Secret": "whsec_not*base64" }""", ":Secret is not a Standard Webhooks secret: whsec_ followed by base64")]
    [TestCase("""{ "Prototype": "github", "Secret": "s", "Tolerance": "00:05:00" }""", "Tolerance")]
    public void A_bad_signature_preset_setting_is_a_start_up_error(string json, string expected)
    {
        var errors = BuildErrors(json);

        errors.Should().Contain(e => e.Contains(expected, StringComparison.Ordinal));
        errors.Should().NotContain(e => e.Contains("not*base64", StringComparison.Ordinal));
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
