using System.Text.Json.Nodes;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Tests.Splitting;

public class PatternItemSplitterTests
{
    [TestCase("shipments.shipment", """{"shipments":{"shipment":[{"id":1},{"id":2}]}}""", """[{"id":1},{"id":2}]""")]
    [TestCase("shipments.shipment", """{"shipments":{"shipment":{"id":1}}}""", """[{"id":1}]""")]
    [TestCase("data.*", """{"data":{"a":{"id":1},"b":{"id":2}}}""", """[{"id":1},{"id":2}]""")]
    [TestCase("data.*", """{"data":[{"id":1},{"id":2}]}""", """[{"id":1},{"id":2}]""")]
    [TestCase("items.0", """{"items":[{"id":1},{"id":2}]}""", """[{"id":1}]""")]
    [TestCase("items.1.tags", """{"items":[{"tags":["x"]},{"tags":["y","z"]}]}""", """["y","z"]""")]
    [TestCase("*.id", """{"a":{"id":1},"b":{"id":2},"c":{}}""", """[1,2]""")]
    [TestCase("a\\.b.c", """{"a.b":{"c":{"id":1}},"a":{"b":{"c":{"id":2}}}}""", """[{"id":1}]""")]
    [TestCase("orders", """{"orders":[{"id":1},null,{"id":3}]}""", """[{"id":1},{"id":3}]""")]
    public void A_pattern_yields_array_elements_or_the_single_match(string pattern, string document, string expected)
    {
        var splitter = new PatternItemSplitter(ItemPattern.Parse(pattern));

        var items = splitter.Split(JsonNode.Parse(document)!);

        new JsonArray(items.Select(item => item.DeepClone()).ToArray()).ToJsonString().Should().Be(expected);
    }

    [TestCase("missing")]
    [TestCase("shipments.shipment.5")]
    [TestCase("shipments.count.x")]
    public void A_pattern_that_matches_nothing_yields_no_items(string pattern)
    {
        var splitter = new PatternItemSplitter(ItemPattern.Parse(pattern));

        splitter.Split(JsonNode.Parse("""{"shipments":{"count":"3","shipment":[{"id":1}]}}""")!).Should().BeEmpty();
    }

    [Test]
    public void Without_a_pattern_the_whole_document_is_one_item()
    {
        var document = JsonNode.Parse("""[{"id":1},{"id":2}]""")!;

        PatternItemSplitter.WholeDocument.Split(document).Should().ContainSingle().Which.Should().BeSameAs(document);
    }

    [TestCase("", "empty")]
    [TestCase("a..b", "position 3")]
    [TestCase(".a", "position 1")]
    [TestCase("a.", "position 3")]
    [TestCase("a\\", "lone")]
    [TestCase("a\\x", "escape")]
    public void An_invalid_pattern_is_refused_naming_the_position(string pattern, string expected)
    {
        var act = () => ItemPattern.Parse(pattern);

        act.Should().Throw<FormatException>().WithMessage($"*{expected}*");
    }
}
