using System.Text.Json.Nodes;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Transformation;

public class ValueTransformerTests
{
    private const string Shipment = """{"orderId":"7","trackingCode":"3SABC","carrier":"PostNL","weight":"2.5","lines":[{"sku":"A","qty":"2"},{"sku":"B","qty":"1"}]}""";

    [Test]
    public async Task Captures_of_the_task_fill_dollar_numbers_and_a_double_dollar_is_a_plain_dollar()
    {
        var context = Entities.Context with { Task = Entities.Context.Task with { Captures = ["A1", "0"] } };
        var setter = new ValueSetterTransformer("note", "order $1, line $2, costs $$5");
        var merger = new MergerTransformer(new System.Text.Json.Nodes.JsonObject { ["order"] = "$1", ["price"] = "$$10" });

        var set = await setter.TransformAsync(Entities.Parse("{}"), context, CancellationToken.None);
        var merged = await merger.TransformAsync(Entities.Parse("{}"), context, CancellationToken.None);

        set.Entity.ShouldBeJson("""{"note":"order A1, line 0, costs $5"}""");
        merged.Entity.ShouldBeJson("""{"order":"A1","price":"$10"}""");
    }

    [Test]
    public void A_dollar_zero_is_refused_when_the_template_is_compiled()
    {
        var create = () => new ValueSetterTransformer("note", "costs $0.99");

        create.Should().Throw<FormatException>().WithMessage("The capture $0 at position 7 does not exist: captures are numbered from $1 (write $$ for a plain $).");
    }

    [Test]
    public async Task A_value_setter_sets_a_literal()
    {
        (await new ValueSetterTransformer("status", "shipped").RunAsync("""{"id":1}"""))
            .Should().Be("""{"id":1,"status":"shipped"}""");
    }

    [Test]
    public async Task A_value_setter_fills_a_template()
    {
        (await new ValueSetterTransformer("status", "shipped &{orderId}").RunAsync(Shipment))
            .Should().Contain("\"status\":\"shipped 7\"");
    }

    [Test]
    public async Task A_value_setter_keeps_the_kind_of_a_single_placeholder()
    {
        var result = await new ValueSetterTransformer("copy", "&{lines}").RunAsync("""{"lines":[1,{"a":true}]}""");

        result.Should().Be("""{"lines":[1,{"a":true}],"copy":[1,{"a":true}]}""");
    }

    [Test]
    public async Task A_value_setter_creates_nested_objects_as_needed()
    {
        (await new ValueSetterTransformer("erp.order.id", "&{orderId}").RunAsync("""{"orderId":"7","erp":null}"""))
            .Should().Be("""{"orderId":"7","erp":{"order":{"id":"7"}}}""");
    }

    [Test]
    public async Task A_value_setter_key_may_quote_keys_with_dots_and_spaces()
    {
        (await new ValueSetterTransformer("\"order.meta\".\"product ID\"", "P-1").RunAsync("""{"order.meta":{}}"""))
            .Should().Be("""{"order.meta":{"product ID":"P-1"}}""");
        (await new ValueSetterTransformer("a\\.b", 1).RunAsync("{}")).Should().Be("""{"a.b":1}""");
    }

    [Test]
    public async Task A_value_setter_replaces_an_existing_value()
    {
        (await new ValueSetterTransformer("carrier", "DHL").RunAsync(Shipment)).Should().Contain("\"carrier\":\"DHL\"").And.NotContain("PostNL");
    }

    [Test]
    public async Task A_value_setter_with_a_wildcard_sets_every_match()
    {
        var result = await new ValueSetterTransformer("lines.*.orderId", "&{orderId}").RunAsync(Shipment);

        result.Should().Contain("""{"sku":"A","qty":"2","orderId":"7"},{"sku":"B","qty":"1","orderId":"7"}""");
    }

    [Test]
    public async Task A_value_setter_sets_json_with_templates_inside()
    {
        var value = new JsonObject { ["id"] = "&{orderId}", ["first"] = "&{lines.0}", ["fixed"] = 1 };

        (await new ValueSetterTransformer("erp", value).RunAsync(Shipment))
            .Should().EndWith("""
                "erp":{"id":"7","first":{"sku":"A","qty":"2"},"fixed":1}}
                """);
    }

    [Test]
    public async Task A_value_setter_sets_an_array_element_by_index()
    {
        (await new ValueSetterTransformer("lines.1.sku", "C").RunAsync(Shipment)).Should().Contain("""{"sku":"C","qty":"1"}""");
    }

    [Test]
    public async Task A_value_setter_fails_on_a_missing_placeholder_naming_the_key()
    {
        var act = async () => await new ValueSetterTransformer("status", "shipped &{orderNumber}").RunAsync(Shipment);

        var error = (await act.Should().ThrowAsync<TransformerException>()).Which;
        error.Path.Should().Be("status");
        error.Message.Should().Be("The placeholder &{orderNumber} has no value in the entity.");
    }

    [TestCase("carrier.code", "Cannot set 'carrier.code': 'carrier' is a string, not an object.")]
    [TestCase("lines.5.sku", "Cannot set 'lines.5.sku': 'lines' is an array and '5' is not one of its indexes (0 to 1).")]
    [TestCase("lines.first", "Cannot set 'lines.first': 'lines' is an array and 'first' is not one of its indexes (0 to 1).")]
    public async Task A_value_setter_cannot_set_through_a_value(string key, string message)
    {
        var act = async () => await new ValueSetterTransformer(key, "x").RunAsync(Shipment);

        (await act.Should().ThrowAsync<TransformerException>()).Which.Message.Should().Be(message);
    }

    [Test]
    public async Task A_value_mapper_maps_with_a_default()
    {
        var mapper = new ValueMapperTransformer("carrier", new Dictionary<string, string> { ["PostNL"] = "PNL", ["DHL"] = "DHL" }, "OTHER");

        (await mapper.RunAsync("""{"carrier":"PostNL"}""")).Should().Be("""{"carrier":"PNL"}""");
        (await mapper.RunAsync("""{"carrier":"UPS"}""")).Should().Be("""{"carrier":"OTHER"}""");
        (await mapper.RunAsync("""{"carrier":null}""")).Should().Be("""{"carrier":null}""", "null is left alone");
        (await mapper.RunAsync("""{"other":1}""")).Should().Be("""{"other":1}""", "a missing key is left alone");
    }

    [Test]
    public async Task A_value_mapper_without_a_default_keeps_unmapped_values()
    {
        var mapper = new ValueMapperTransformer("carrier", new Dictionary<string, string> { ["PostNL"] = "PNL" });

        (await mapper.RunAsync("""{"carrier":"UPS"}""")).Should().Be("""{"carrier":"UPS"}""");
    }

    [Test]
    public async Task A_value_mapper_maps_numbers_and_booleans_by_their_text_and_every_wildcard_match()
    {
        var mapper = new ValueMapperTransformer("lines.*.status", new Dictionary<string, string> { ["1"] = "open", ["true"] = "done" });

        (await mapper.RunAsync("""{"lines":[{"status":1},{"status":true},{"status":"1"}]}"""))
            .Should().Be("""{"lines":[{"status":"open"},{"status":"done"},{"status":"open"}]}""");
    }

    [Test]
    public async Task A_value_mapper_fails_on_an_object_or_array_naming_the_path()
    {
        var mapper = new ValueMapperTransformer("lines", new Dictionary<string, string> { ["a"] = "b" });

        var act = async () => await mapper.RunAsync(Shipment);

        var error = (await act.Should().ThrowAsync<TransformerException>()).Which;
        error.Path.Should().Be("lines");
        error.Message.Should().Be("The value is an array; only strings, numbers and booleans are mapped (map its elements with the key 'lines.*').");
    }

    [Test]
    public async Task A_key_mapper_renames_keys_in_place()
    {
        var mapper = new KeyMapperTransformer(new Dictionary<string, string> { ["trackingCode"] = "tracking_code", ["orderId"] = "order_id", ["missing"] = "x" });

        (await mapper.RunAsync("""{"orderId":"7","trackingCode":"3SABC","carrier":"PostNL"}"""))
            .Should().Be("""{"order_id":"7","tracking_code":"3SABC","carrier":"PostNL"}""");
    }

    [Test]
    public async Task A_key_mapper_renames_nested_and_wildcard_keys_and_replaces_a_taken_name()
    {
        var mapper = new KeyMapperTransformer(new Dictionary<string, string> { ["lines.*.qty"] = "quantity", ["a"] = "b" });

        (await mapper.RunAsync("""{"b":0,"a":1,"lines":[{"qty":2},{"qty":3}]}"""))
            .Should().Be("""{"b":1,"lines":[{"quantity":2},{"quantity":3}]}""");
    }

    [Test]
    public void A_key_mapper_needs_entries_and_names()
    {
        FluentActions.Invoking(() => new KeyMapperTransformer(new Dictionary<string, string>())).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new KeyMapperTransformer(new Dictionary<string, string> { ["a"] = string.Empty })).Should().Throw<ArgumentException>().WithMessage("The new name of 'a' is empty.*");
    }

    [TestCase(EntityValueType.Int, "\"42\"", "42")]
    [TestCase(EntityValueType.Int, "\" -42 \"", "-42")]
    [TestCase(EntityValueType.Int, "42.0", "42")]
    [TestCase(EntityValueType.Int, "\"1e3\"", "1000")]
    [TestCase(EntityValueType.Float, "\"4.20\"", "4.20")]
    [TestCase(EntityValueType.Float, "\"-1.5e2\"", "-150")]
    [TestCase(EntityValueType.Float, "3", "3")]
    [TestCase(EntityValueType.Bool, "\"yes\"", "true")]
    [TestCase(EntityValueType.Bool, "\"FALSE\"", "false")]
    [TestCase(EntityValueType.Bool, "1", "true")]
    [TestCase(EntityValueType.Bool, "\"0\"", "false")]
    [TestCase(EntityValueType.String, "4.50", "\"4.50\"")]
    [TestCase(EntityValueType.String, "true", "\"true\"")]
    [TestCase(EntityValueType.String, "\"x\"", "\"x\"")]
    [TestCase(EntityValueType.Date, "\"2026-11-30\"", "\"2026-11-30T00:00:00\"")]
    [TestCase(EntityValueType.Date, "\" 2026-11-30 14:05 \"", "\"2026-11-30T14:05:00\"")]
    [TestCase(EntityValueType.Date, "\"2026-11-30T14:05:00.250Z\"", "\"2026-11-30T14:05:00.25+00:00\"")]
    [TestCase(EntityValueType.Date, "\"2026-11-30T14:05:00+01:00\"", "\"2026-11-30T14:05:00+01:00\"")]
    public async Task A_type_setter_converts_values(EntityValueType type, string value, string expected)
    {
        (await new TypeSetterTransformer("v", type).RunAsync($$"""{"v":{{value}}}""")).Should().Be($$"""{"v":{{expected}}}""");
    }

    [Test]
    public async Task A_type_setter_reads_and_writes_dates_in_given_formats()
    {
        (await new TypeSetterTransformer("shipped", EntityValueType.Date, "dd-MM-yyyy HH:mm").RunAsync("""{"shipped":"30-11-2026 14:05"}"""))
            .Should().Be("""{"shipped":"2026-11-30T14:05:00"}""");
        (await new TypeSetterTransformer("shipped", EntityValueType.Date, "dd-MM-yyyy HH:mm zzz").RunAsync("""{"shipped":"30-11-2026 14:05 +01:00"}"""))
            .Should().Be("""{"shipped":"2026-11-30T14:05:00+01:00"}""");
        (await new TypeSetterTransformer("shipped", EntityValueType.Date, outputFormat: "dd/MM/yyyy").RunAsync("""{"shipped":"2026-11-30T14:05:00"}"""))
            .Should().Be("""{"shipped":"30/11/2026"}""");
    }

    [Test]
    public async Task A_type_setter_with_a_format_reads_only_that_format()
    {
        var act = async () => await new TypeSetterTransformer("shipped", EntityValueType.Date, "dd-MM-yyyy").RunAsync("""{"shipped":"2026-11-30"}""");

        (await act.Should().ThrowAsync<TransformerException>()).Which.Message.Should().Be("The value \"2026-11-30\" is not a date in the format dd-MM-yyyy.");
    }

    [Test]
    public async Task A_type_setter_converts_every_wildcard_match_and_leaves_null_alone()
    {
        (await new TypeSetterTransformer("lines.*.qty", EntityValueType.Int).RunAsync("""{"lines":[{"qty":"2"},{"qty":null},{"sku":"x"}]}"""))
            .Should().Be("""{"lines":[{"qty":2},{"qty":null},{"sku":"x"}]}""");
    }

    [TestCase(EntityValueType.Int, "\"4.2\"", "The value \"4.2\" is not a whole number.")]
    [TestCase(EntityValueType.Int, "\"abc\"", "The value \"abc\" is not a whole number.")]
    [TestCase(EntityValueType.Int, "true", "The value \"true\" is not a whole number.")]
    [TestCase(EntityValueType.Float, "\"1,5\"", "The value \"1,5\" is not a number.")]
    [TestCase(EntityValueType.Bool, "\"maybe\"", "The value \"maybe\" is not a boolean (true/false, 1/0 or yes/no).")]
    [TestCase(EntityValueType.Date, "\"11/30/2026\"", "The value \"11/30/2026\" is not an ISO 8601 date such as 2026-11-30T14:05:00 (set Format to read other forms).")]
    [TestCase(EntityValueType.Date, "\"2026-13-01\"", "The value \"2026-13-01\" is not an ISO 8601 date such as 2026-11-30T14:05:00 (set Format to read other forms).")]
    [TestCase(EntityValueType.Date, "20261130", "The value \"20261130\" is not a date written as text.")]
    [TestCase(EntityValueType.String, "{\"a\":1}", "The value is an object, which cannot be converted to string.")]
    public async Task A_type_setter_fails_on_values_that_do_not_convert_naming_the_path(EntityValueType type, string value, string message)
    {
        var act = async () => await new TypeSetterTransformer("lines.0.v", type).RunAsync($$"""{"lines":[{"v":{{value}}}]}""");

        var error = (await act.Should().ThrowAsync<TransformerException>()).Which;
        error.Message.Should().Be(message);
        error.Path.Should().Be("lines.0.v");
    }

    [Test]
    public void A_type_setter_refuses_formats_for_other_types_and_bad_output_formats()
    {
        FluentActions.Invoking(() => new TypeSetterTransformer("v", EntityValueType.Int, "dd-MM-yyyy")).Should().Throw<ArgumentException>().WithMessage("Format and OutputFormat apply to the date type only.*");
        FluentActions.Invoking(() => new TypeSetterTransformer("v", EntityValueType.Date, outputFormat: "%")).Should().Throw<FormatException>();
        FluentActions.Invoking(() => new TypeSetterTransformer("v", (EntityValueType)42)).Should().Throw<ArgumentException>();
    }

    [Test]
    public async Task A_merger_builds_a_new_entity_from_a_template()
    {
        var merger = new MergerTransformer(new JsonObject
        {
            ["order"] = "&{orderId}",
            ["code"] = "&{trackingCode}",
            ["label"] = "Order &{orderId} via &{carrier}",
            ["lines"] = "&{lines}",
            ["skus"] = "&{lines.*.sku}",
            ["note"] = "?{note}",
            ["source"] = "wms",
            ["version"] = 2,
        });

        (await merger.RunAsync(Shipment)).Should().Be("""
            {"order":"7","code":"3SABC","label":"Order 7 via PostNL","lines":[{"sku":"A","qty":"2"},{"sku":"B","qty":"1"}],"skus":["A","B"],"note":null,"source":"wms","version":2}
            """);
    }

    [Test]
    public async Task A_merger_wraps_the_whole_entity()
    {
        (await new MergerTransformer(new JsonObject { ["data"] = "&{@}", ["type"] = "shipment" }).RunAsync("""{"id":1}"""))
            .Should().Be("""{"data":{"id":1},"type":"shipment"}""");
    }

    [Test]
    public async Task A_merger_fails_on_a_missing_value_and_on_a_null_entity()
    {
        var missing = async () => await new MergerTransformer(new JsonObject { ["order"] = "&{orderNumber}" }).RunAsync(Shipment);
        var empty = async () => await new MergerTransformer(JsonValue.Create("?{nothing}")).RunAsync(Shipment);

        (await missing.Should().ThrowAsync<TransformerException>()).Which.Message.Should().Be("The placeholder &{orderNumber} has no value in the entity.");
        (await empty.Should().ThrowAsync<TransformerException>()).Which.Message.Should().Be("The template gave null, and an entity cannot be null.");
    }
}
