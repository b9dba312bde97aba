using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Transformation;

public class ConditionTests
{
    private static readonly JsonNode Shipment = Entities.Parse("""
        {"type":"shipment","orderId":"7","count":7,"price":7.0,"express":true,"note":null,"trackingCode":"3SABC123",
         "billing":{"country":"NL"},"shipping":{"country":"NL"},"lines":[{"sku":"A"},{"sku":"B"}],"tags":["x"]}
        """);

    [TestCase("type", "shipment", true)]
    [TestCase("type", "Shipment", false)]
    [TestCase("orderId", "7", true)]
    [TestCase("count", "7", true)]
    [TestCase("price", "7", true)]
    [TestCase("express", "true", true)]
    [TestCase("express", "True", true)]
    [TestCase("type", "SHIPMENT", false)]
    [TestCase("missing", "x", false)]
    [TestCase("lines.*.sku", "B", true)]
    [TestCase("lines.*.sku", "C", false)]
    [TestCase("shipping.country", "&{billing.country}", true)]
    public void Equals_compares_by_text_and_number(string key, string value, bool expected)
    {
        new EqualsCondition(key, value).IsMet(Shipment).Should().Be(expected);
    }

    [Test]
    public void Equals_compares_objects_as_json_and_null_with_null()
    {
        new EqualsCondition("billing", new JsonObject { ["country"] = "NL" }).IsMet(Shipment).Should().BeTrue();
        new EqualsCondition("tags", new JsonArray("x")).IsMet(Shipment).Should().BeTrue();
        new EqualsCondition("note", null).IsMet(Shipment).Should().BeTrue();
        new EqualsCondition("type", null).IsMet(Shipment).Should().BeFalse();
    }

    [Test]
    public void Equals_with_a_missing_placeholder_is_an_error()
    {
        FluentActions.Invoking(() => new EqualsCondition("type", "&{kind}").IsMet(Shipment)).Should().Throw<PlaceholderException>();
    }

    [Test]
    public void One_of_accepts_any_of_its_values()
    {
        new OneOfCondition("type", ["order", "shipment"]).IsMet(Shipment).Should().BeTrue();
        new OneOfCondition("count", ["6", "7"]).IsMet(Shipment).Should().BeTrue();
        new OneOfCondition("type", ["order"]).IsMet(Shipment).Should().BeFalse();
        new OneOfCondition("missing", ["order"]).IsMet(Shipment).Should().BeFalse();
        FluentActions.Invoking(() => new OneOfCondition("type", [])).Should().Throw<ArgumentException>();
    }

    [TestCase("trackingCode", true)]
    [TestCase("note", false)]
    [TestCase("missing", false)]
    [TestCase("lines.*.sku", true)]
    [TestCase("lines.*.qty", false)]
    [TestCase("""billing.country""", true)]
    public void Exists_needs_a_value_other_than_null(string key, bool expected)
    {
        new ExistsCondition(key).IsMet(Shipment).Should().Be(expected);
    }

    [TestCase("trackingCode", "^3S[A-Z0-9]+$", true)]
    [TestCase("trackingCode", "ABC", true)]
    [TestCase("trackingCode", "^ABC", false)]
    [TestCase("count", "^[0-9]+$", true)]
    [TestCase("billing", ".*", false)]
    [TestCase("missing", ".*", false)]
    public void Matches_searches_the_text_of_a_value(string key, string pattern, bool expected)
    {
        new MatchesCondition(key, pattern).IsMet(Shipment).Should().Be(expected);
    }

    [Test]
    public void Matches_runs_without_backtracking_and_refuses_what_needs_it()
    {
        new MatchesCondition("type", "x").Regex.Options.Should().HaveFlag(System.Text.RegularExpressions.RegexOptions.NonBacktracking);
        FluentActions.Invoking(() => new MatchesCondition("type", "(a)\\1")).Should().Throw<ArgumentException>().WithMessage("*non-backtracking*");
        FluentActions.Invoking(() => new MatchesCondition("type", "(a")).Should().Throw<ArgumentException>().WithMessage("*not a valid regular expression*");
    }

    [Test]
    public void And_or_and_not_combine_conditions()
    {
        IEntityCondition shipment = new EqualsCondition("type", "shipment");
        IEntityCondition order = new EqualsCondition("type", "order");

        new AndCondition([shipment, new ExistsCondition("trackingCode")]).IsMet(Shipment).Should().BeTrue();
        new AndCondition([shipment, order]).IsMet(Shipment).Should().BeFalse();
        new OrCondition([order, shipment]).IsMet(Shipment).Should().BeTrue();
        new OrCondition([order]).IsMet(Shipment).Should().BeFalse();
        new NotCondition(order).IsMet(Shipment).Should().BeTrue();
        FluentActions.Invoking(() => new AndCondition([])).Should().Throw<ArgumentException>();
    }

    [Test]
    public void Conditions_describe_themselves_for_skip_reasons()
    {
        new EqualsCondition("type", "shipment").Describe().Should().Be("type equals \"shipment\"");
        new EqualsCondition("shipping.country", "&{billing.country}").Describe().Should().Be("shipping.country equals \"&{billing.country}\"");
        new OneOfCondition("carrier", ["PostNL", "DHL"]).Describe().Should().Be("carrier is one of [\"PostNL\", \"DHL\"]");
        new ExistsCondition("trackingCode").Describe().Should().Be("trackingCode exists");
        new MatchesCondition("code", "^3S").Describe().Should().Be("code matches \"^3S\"");
        new NotCondition(new OrCondition([new ExistsCondition("a"), new ExistsCondition("b")])).Describe().Should().Be("not (a exists or b exists)");
        new NotCondition(new ExistsCondition("a")).Describe().Should().Be("not (a exists)");
        new AndCondition([new ExistsCondition("a"), new ExistsCondition("b")]).Describe().Should().Be("(a exists and b exists)");
    }
}
