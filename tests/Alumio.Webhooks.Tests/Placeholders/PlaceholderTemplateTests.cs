using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;

namespace Alumio.Webhooks.Tests.Placeholders;

public class PlaceholderTemplateTests
{
    private static readonly JsonNode Entity = JsonNode.Parse("""{"orderId":"7","count":3,"ok":true,"customer":{"name":"Jan & Piet"},"lines":[1,2]}""")!;

    [TestCase("http://erp/orders/&{orderId}/complete", "http://erp/orders/7/complete")]
    [TestCase("&{count}-&{ok}", "3-true")]
    [TestCase("no placeholders", "no placeholders")]
    [TestCase("&{customer.name}", "Jan & Piet")]
    [TestCase("&{lines.1}", "2")]
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

    [Test]
    public void A_missing_value_is_a_clear_error()
    {
        var act = () => PlaceholderTemplate.Parse("/orders/&{orderNumber}").Render(Entity);

        act.Should().Throw<PlaceholderException>().WithMessage("The placeholder &{orderNumber} has no value in the entity.");
    }

    [Test]
    public void An_object_is_not_a_value()
    {
        var act = () => PlaceholderTemplate.Parse("&{customer}").Render(Entity);

        act.Should().Throw<PlaceholderException>().WithMessage("*points at an object*");
    }

    [TestCase("&{orderId")]
    [TestCase("&{}")]
    [TestCase("&{a..b}")]
    public void An_invalid_template_is_refused(string template)
    {
        var act = () => PlaceholderTemplate.Parse(template);

        act.Should().Throw<FormatException>();
    }
}
