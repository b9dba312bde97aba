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
    [TestCase("order?", """{"order1":1,"order22":2,"orderX":3}""", """[1,3]""")]
    [TestCase("order_*", """{"order_a":1,"order_":2,"orders":3}""", """[1,2]""")]
    [TestCase("[ab]*", """{"apple":1,"banana":2,"cherry":3}""", """[1,2]""")]
    [TestCase("[!ab]*", """{"apple":1,"banana":2,"cherry":3}""", """[3]""")]
    [TestCase("v[0-9]", """{"v1":1,"vx":2,"v9":3}""", """[1,3]""")]
    [TestCase("list.1?", """{"list":[0,1,2,3,4,5,6,7,8,9,10,11,12]}""", """[10,11,12]""")]
    [TestCase("a\\*b", """{"a*b":1,"axb":2}""", """[1]""")]
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
    public void Wildcard_keys_capture_what_they_matched_in_pattern_order()
    {
        var pattern = ItemPattern.Parse("stores.*.products.sku_?");

        var matches = pattern.Matches(JsonNode.Parse("""{"stores":{"ams":{"products":{"sku_1":"a","sku_2":"b"}},"rtm":{"products":[{"sku_1":"c"}]}}}""")).ToList();

        pattern.CaptureCount.Should().Be(2);
        matches.Select(m => (m.Node!.GetValue<string>(), string.Join("|", m.Captures))).Should().Equal(("a", "ams|sku_1"), ("b", "ams|sku_2"));
    }

    [Test]
    public void Array_indexes_are_captured_as_text()
    {
        var matches = ItemPattern.Parse("items.*").Matches(JsonNode.Parse("""{"items":["x","y"]}""")).ToList();

        matches.Select(m => m.Captures.Single()).Should().Equal("0", "1");
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
    [TestCase("a.[bc", "'[' without ']' at position 3")]
    [TestCase("a.[]", "empty class '[]' at position 3")]
    [TestCase("a.b]", "']' without '[' at position 4")]
    public void An_invalid_pattern_is_refused_naming_the_position(string pattern, string expected)
    {
        var act = () => ItemPattern.Parse(pattern);

        act.Should().Throw<FormatException>().WithMessage($"*{expected}*");
    }
}
