using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Transformation;

public class StructureTransformerTests
{
    private const string Order = """{"orderId":"7","customer":{"name":"Jan","email":"jan@example.com","phone":"06"},"lines":[{"sku":"A","qty":2,"price":1},{"sku":"B","qty":1,"price":2}]}""";

    [Test]
    public async Task Copy_copies_a_value_to_a_new_key()
    {
        (await new CopyTransformer("customer.name", "buyer").RunAsync(Order))
            .Should().StartWith("""{"orderId":"7","customer":{"name":"Jan",""").And.EndWith("""
                "buyer":"Jan"}
                """);
    }

    [Test]
    public async Task Copy_fills_targets_with_captures()
    {
        (await new CopyTransformer("customer.*", "buyer.$1").RunAsync("""{"customer":{"name":"Jan","city":"Ede"}}"""))
            .Should().Be("""{"customer":{"name":"Jan","city":"Ede"},"buyer":{"name":"Jan","city":"Ede"}}""");
    }

    [Test]
    public async Task Copy_uses_several_captures_and_entity_placeholders_in_the_target()
    {
        var copy = new CopyTransformer("lines.*.s[kq]?", "&{orderId}.$2.$1");

        (await copy.RunAsync("""{"orderId":"7","lines":[{"sku":"A","qty":2}]}"""))
            .Should().Be("""{"orderId":"7","lines":[{"sku":"A","qty":2}],"7":{"sku":{"0":"A"}}}""");
    }

    [Test]
    public async Task Captured_keys_with_dots_stay_one_key()
    {
        (await new CopyTransformer("prices.*", "byCode.$1").RunAsync("""{"prices":{"a.b":1}}"""))
            .Should().Be("""{"prices":{"a.b":1},"byCode":{"a.b":1}}""");
    }

    [Test]
    public async Task Copy_of_nothing_changes_nothing()
    {
        (await new CopyTransformer("missing.*", "x.$1").RunAsync("""{"a":1}""")).Should().Be("""{"a":1}""");
    }

    [Test]
    public async Task Move_moves_values_and_removes_the_originals()
    {
        (await new MoveTransformer("customer.*", "buyer.$1").RunAsync("""{"id":1,"customer":{"name":"Jan","city":"Ede"}}"""))
            .Should().Be("""{"id":1,"customer":{},"buyer":{"name":"Jan","city":"Ede"}}""");
    }

    [Test]
    public async Task A_capture_is_the_whole_key_or_index_its_wildcard_key_matched()
    {
        (await new MoveTransformer("address_*", "address.$1").RunAsync("""{"id":1,"address_street":"Dorpsstraat","address_city":"Ede"}"""))
            .Should().Be("""{"id":1,"address":{"address_street":"Dorpsstraat","address_city":"Ede"}}""");
    }

    [Test]
    public async Task Move_into_itself_nests_the_value()
    {
        (await new MoveTransformer("a", "a.b").RunAsync("""{"a":{"x":1}}""")).Should().Be("""{"a":{"b":{"x":1}}}""");
    }

    [Test]
    public async Task Move_of_array_elements_closes_up_the_array()
    {
        (await new MoveTransformer("list.*", "byIndex.$1").RunAsync("""{"list":["a","b"]}""")).Should().Be("""{"list":[],"byIndex":{"0":"a","1":"b"}}""");
    }

    [TestCase("a.*", "b.$2", "*out of range: the pattern has 1 wildcard key, so $1 to $1.")]
    [TestCase("a", "b.$1", "*has nothing to refer to: the pattern has no wildcard keys.")]
    [TestCase("a.*", "b.*", "The target 'b.*' has a wildcard; a target names one place*")]
    [TestCase("a..b", "c", "The pattern 'a..b' has an empty key at position 3.")]
    [TestCase("a", "", "The target path is empty.")]
    public void Copy_refuses_bad_patterns_and_targets(string from, string to, string message)
    {
        FluentActions.Invoking(() => new CopyTransformer(from, to)).Should().Throw<FormatException>().WithMessage(message);
    }

    [Test]
    public async Task Copy_fails_when_a_target_cannot_be_set()
    {
        var act = async () => await new CopyTransformer("orderId", "customer.name.first").RunAsync(Order);

        var error = (await act.Should().ThrowAsync<TransformerException>()).Which;
        error.Message.Should().Be("Cannot set 'customer.name.first': 'customer.name' is a string, not an object.");
        error.Path.Should().Be("customer.name.first");
    }

    [Test]
    public async Task A_key_filter_keeps_only_matching_keys()
    {
        (await new KeyFilterTransformer(["orderId", "lines.*.sku"]).RunAsync(Order))
            .Should().Be("""{"orderId":"7","lines":[{"sku":"A"},{"sku":"B"}]}""");
    }

    [Test]
    public async Task A_key_filter_keeps_a_matched_object_whole_and_drops_what_leads_nowhere()
    {
        (await new KeyFilterTransformer(["customer", "lines.1"]).RunAsync(Order))
            .Should().Be("""{"customer":{"name":"Jan","email":"jan@example.com","phone":"06"},"lines":[{"sku":"B","qty":1,"price":2}]}""");
        (await new KeyFilterTransformer(["nothing"]).RunAsync(Order)).Should().Be("{}");
    }

    [Test]
    public async Task A_key_filter_keeps_keys_matching_wildcards_and_null_values()
    {
        (await new KeyFilterTransformer(["order*", "note"]).RunAsync("""{"orderId":"7","orderDate":"x","other":1,"note":null}"""))
            .Should().Be("""{"orderId":"7","orderDate":"x","note":null}""");
    }

    [Test]
    public async Task A_value_remover_drops_matching_keys()
    {
        (await new ValueRemoverTransformer(["customer.email", "customer.phone", "lines.*.price"]).RunAsync(Order))
            .Should().Be("""{"orderId":"7","customer":{"name":"Jan"},"lines":[{"sku":"A","qty":2},{"sku":"B","qty":1}]}""");
    }

    [Test]
    public async Task A_value_remover_drops_array_elements_and_ignores_missing_keys()
    {
        (await new ValueRemoverTransformer(["lines.0", "missing", "customer.*"]).RunAsync(Order))
            .Should().Be("""{"orderId":"7","customer":{},"lines":[{"sku":"B","qty":1,"price":2}]}""");
    }

    [Test]
    public void Key_lists_need_at_least_one_valid_pattern()
    {
        FluentActions.Invoking(() => new KeyFilterTransformer([])).Should().Throw<ArgumentException>().WithMessage("At least one pattern is required.*");
        FluentActions.Invoking(() => new ValueRemoverTransformer(["a[b"])).Should().Throw<FormatException>();
    }
}
