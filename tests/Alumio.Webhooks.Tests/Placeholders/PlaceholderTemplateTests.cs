using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Tests.Support;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Tests.Placeholders;

public class PlaceholderTemplateTests
{
    private static readonly JsonNode Entity = JsonNode.Parse("""
        {"orderId":"7","count":3,"price":4.50,"ok":true,"none":null,"customer":{"name":"Jan & Piet"},"lines":[1,2],
         "product ID":"P-1","a.b":"dotted","odd}key":"brace","items":[{"sku":"A"},{"sku":"B"}]}
        """)!;

    [TestCase("http://erp/orders/&{orderId}/complete", "http://erp/orders/7/complete")]
    [TestCase("&{count}-&{ok}", "3-true")]
    [TestCase("no placeholders", "no placeholders")]
    [TestCase("&{customer.name}", "Jan & Piet")]
    [TestCase("&{lines.1}", "2")]
    [TestCase("price &{price}", "price 4.50")]
    public void Placeholders_are_filled_from_the_entity(string template, string expected)
    {
        PlaceholderTemplate.Parse(template).Render(Entity).Should().Be(expected);
    }

    [Test]
    public void Inserted_values_are_encoded_and_literals_are_not()
    {
        PlaceholderTemplate.Parse("http://x/?q=&{customer.name}").Render(Entity, Uri.EscapeDataString)
            .Should().Be("http://x/?q=Jan%20%26%20Piet");
    }

    [TestCase("""&{"product ID"}""", "P-1")]
    [TestCase("""&{"a.b"}""", "dotted")]
    [TestCase("""&{"odd}key"}""", "brace")]
    [TestCase("""code &{"product ID"} / &{orderId}""", "code P-1 / 7")]
    public void Keys_with_special_characters_are_quoted(string template, string expected)
    {
        PlaceholderTemplate.Parse(template).Render(Entity).Should().Be(expected);
    }

    [Test]
    public void A_template_that_is_one_placeholder_gives_the_value_of_its_own_kind()
    {
        PlaceholderTemplate.Parse("&{count}").Evaluate(Entity).ShouldBeJson("3");
        PlaceholderTemplate.Parse("&{price}").Evaluate(Entity)!.ToJsonString().Should().Be("4.50", "numbers are copied as written");
        PlaceholderTemplate.Parse("&{ok}").Evaluate(Entity).ShouldBeJson("true");
        PlaceholderTemplate.Parse("&{customer}").Evaluate(Entity).ShouldBeJson("""{"name":"Jan & Piet"}""");
        PlaceholderTemplate.Parse("&{lines}").Evaluate(Entity).ShouldBeJson("[1,2]");
        PlaceholderTemplate.Parse("&{none}").Evaluate(Entity).Should().BeNull("an explicit null is a value");
    }

    [Test]
    public void A_template_that_mixes_text_gives_a_string()
    {
        PlaceholderTemplate.Parse("&{count} items").Evaluate(Entity).ShouldBeJson("\"3 items\"");
        PlaceholderTemplate.Parse("&{count}&{count}").Evaluate(Entity).ShouldBeJson("\"33\"");
    }

    [Test]
    public void The_whole_entity_is_at_sign()
    {
        var whole = PlaceholderTemplate.Parse("&{@}").Evaluate(Entity);

        JsonNode.DeepEquals(whole, Entity).Should().BeTrue();
        whole.Should().NotBeSameAs(Entity, "the value is a copy, detached from the entity");
    }

    [Test]
    public void A_wildcard_path_gives_every_match_as_an_array()
    {
        PlaceholderTemplate.Parse("&{items.*.sku}").Evaluate(Entity).ShouldBeJson("""["A","B"]""");
        PlaceholderTemplate.Parse("&{nothing.*}").Evaluate(Entity).ShouldBeJson("[]");
    }

    [Test]
    public void An_optional_placeholder_gives_null_alone_and_nothing_in_text()
    {
        PlaceholderTemplate.Parse("?{missing}").Evaluate(Entity).Should().BeNull();
        PlaceholderTemplate.Parse("?{orderId}").Evaluate(Entity).ShouldBeJson("\"7\"");
        PlaceholderTemplate.Parse("[?{missing}][?{none}]").Render(Entity).Should().Be("[][]");
    }

    [Test]
    public void A_missing_value_is_a_clear_error()
    {
        var act = () => PlaceholderTemplate.Parse("/orders/&{orderNumber}").Render(Entity);

        act.Should().Throw<PlaceholderException>().WithMessage("The placeholder &{orderNumber} has no value in the entity.");
    }

    [Test]
    public void A_missing_value_is_an_error_on_its_own_too()
    {
        var act = () => PlaceholderTemplate.Parse("&{customer.email}").Evaluate(Entity);

        act.Should().Throw<PlaceholderException>().WithMessage("The placeholder &{customer.email} has no value in the entity.");
    }

    [Test]
    public void An_object_is_not_a_value()
    {
        var act = () => PlaceholderTemplate.Parse("&{customer}").Render(Entity);

        act.Should().Throw<PlaceholderException>().WithMessage("The placeholder &{customer} points at an object, not a value; text can only hold strings, numbers and booleans.");
    }

    [TestCase("x &{lines}", "The placeholder &{lines} points at an array*")]
    [TestCase("x &{@}", "The placeholder &{@} points at an object*")]
    [TestCase("x &{none}", "The placeholder &{none} is null in the entity; write ?{none} to insert nothing instead.")]
    [TestCase("x &{items.*.sku}", "The placeholder &{items.*.sku} has a wildcard and gives a list of values*")]
    public void Type_mismatches_inside_text_are_clear_errors(string template, string message)
    {
        var act = () => PlaceholderTemplate.Parse(template).Render(Entity);

        act.Should().Throw<PlaceholderException>().WithMessage(message);
    }

    [TestCase("&{orderId")]
    [TestCase("&{}")]
    [TestCase("&{a..b}")]
    [TestCase("?{a")]
    [TestCase("""&{"open}""")]
    [TestCase("${}")]
    [TestCase("${NAME")]
    public void An_invalid_template_is_refused(string template)
    {
        var act = () => PlaceholderTemplate.Parse(template);

        act.Should().Throw<FormatException>();
    }

    [Test]
    public void A_configuration_value_is_filled_in_when_the_template_is_compiled()
    {
        var configuration = Configuration(("ERP_TOKEN", "t0k3n"), ("Erp:BaseUrl", "https://erp.local"));

        var template = PlaceholderTemplate.Parse("${Erp:BaseUrl}/orders/&{orderId}?token=${ERP_TOKEN}", configuration);

        template.Render(Entity).Should().Be("https://erp.local/orders/7?token=t0k3n");
        template.Text.Should().Be("${Erp:BaseUrl}/orders/&{orderId}?token=${ERP_TOKEN}", "the text as written never holds the values");
        PlaceholderTemplate.Parse("${ERP_TOKEN}", configuration).Evaluate(Entity).ShouldBeJson("\"t0k3n\"");
    }

    [Test]
    public void A_configuration_value_that_is_not_set_is_an_error_naming_the_setting()
    {
        var act = () => PlaceholderTemplate.Parse("Bearer ${ERP_TOKEN}", Configuration());

        act.Should().Throw<FormatException>().WithMessage("The setting ${ERP_TOKEN} is not set in the configuration.");
    }

    [Test]
    public void Without_a_configuration_values_come_from_the_environment()
    {
        var name = "ALUMIO_TEST_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-env");
        try
        {
            PlaceholderTemplate.Parse("${" + name + "}").Render(Entity).Should().Be("from-env");
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }

        var act = () => PlaceholderTemplate.Parse("${" + name + "}");
        act.Should().Throw<FormatException>().WithMessage("The setting ${" + name + "} is not set as an environment variable.");
    }

    [Test]
    public void Dollar_signs_are_text_outside_patterns()
    {
        PlaceholderTemplate.Parse("costs $5 or $$").Render(Entity).Should().Be("costs $5 or $$");
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(value => new KeyValuePair<string, string?>(value.Key, value.Value))).Build();
}
