using System.Text.Json.Nodes;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Configuration;

public class TransformerConfigurationTests
{
    private const string Shipment = """{"type":"shipment","orderId":"7","trackingCode":"3SABC","carrier":"PostNL","lines":[{"sku":"A","qty":"2"},{"sku":"B","qty":"1"}]}""";

    [Test]
    public async Task The_contract_transformers_work_as_configured()
    {
        const string transformers = """
            [
              { "Prototype": "value-setter", "Key": "status", "Value": "shipped &{orderId}" },
              { "Prototype": "value-mapper", "Key": "carrier", "Map": { "PostNL": "PNL" }, "Default": "OTHER" },
              { "Prototype": "key-mapper", "Map": { "trackingCode": "tracking_code" } },
              { "Prototype": "filter", "Condition": { "Prototype": "equals", "Key": "type", "Value": "shipment" } },
              { "Prototype": "merger", "Template": { "order": "&{orderId}", "code": "&{tracking_code}", "carrier": "&{carrier}", "status": "&{status}" } }
            ]
            """;

        var result = await DryRun(transformers, Shipment);

        result.Status.Should().Be(RouteDryRunStatus.Continue);
        result.Entity.ShouldBeJson("""{"order":"7","code":"3SABC","carrier":"PNL","status":"shipped 7"}""");
        (await DryRun(transformers, """{"type":"return","orderId":"8","trackingCode":"x","carrier":"UPS"}""")).Reason
            .Should().Be("Filter condition not met: type equals \"shipment\"");
    }

    [Test]
    public async Task The_contract_merger_builds_the_shop_update()
    {
        var result = await DryRun("""[ { "Prototype": "merger", "Template": { "order": "&{orderId}", "code": "&{trackingCode}" } } ]""", Shipment);

        result.Entity.ShouldBeJson("""{"order":"7","code":"3SABC"}""");
    }

    [Test]
    public void Configured_transformers_are_the_public_types_with_their_prototype_names()
    {
        using var services = Build("""
            [ { "Prototype": "value-setter", "Key": "a", "Value": "b" }, { "Prototype": "Key-Filter", "Keys": "a" }, { "Prototype": "brancher", "Pattern": "lines" } ]
            """);
        var route = services.GetRequiredService<WebhookModel>().Routes["r"];

        route.Transformers.Select(t => t.GetType()).Should().Equal(typeof(ValueSetterTransformer), typeof(KeyFilterTransformer), typeof(BrancherTransformer));
        route.TransformerNames.Should().Equal("value-setter", "key-filter", "brancher");
    }

    [TestCase("""{ "Prototype": "value-setter", "Key": "erp.status", "Value": { "code": "&{orderId}", "list": [ "a", "&{carrier}" ] } }""", """{"erp":{"status":{"code":"7","list":["a","PostNL"]}}}""")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "lines.*.orderId", "Value": "&{orderId}" }""", """{"lines":[{"sku":"A","qty":"2","orderId":"7"},{"sku":"B","qty":"1","orderId":"7"}]}""")]
    [TestCase("""{ "Prototype": "value-mapper", "Key": "lines.*.sku", "Map": { "A": "SKU-A" } }""", """{"lines":[{"sku":"SKU-A","qty":"2"},{"sku":"B","qty":"1"}]}""")]
    [TestCase("""{ "Prototype": "key-mapper", "Map": { "lines.*.qty": "quantity" } }""", """{"lines":[{"sku":"A","quantity":"2"},{"sku":"B","quantity":"1"}]}""")]
    [TestCase("""{ "Prototype": "copy", "From": "lines.*.sku", "To": "skus.$1" }""", """{"skus":{"0":"A","1":"B"}}""")]
    [TestCase("""{ "Prototype": "move", "From": "trackingCode", "To": "tracking.code" }""", """{"tracking":{"code":"3SABC"}}""")]
    [TestCase("""{ "Prototype": "key-filter", "Keys": [ "orderId", "lines.*.sku" ] }""", """{"orderId":"7","lines":[{"sku":"A"},{"sku":"B"}]}""")]
    [TestCase("""{ "Prototype": "value-remover", "Keys": "lines" }""", """{"lines":null}""")]
    [TestCase("""{ "Prototype": "type-setter", "Key": "lines.*.qty", "Type": "int" }""", """{"lines":[{"sku":"A","qty":2},{"sku":"B","qty":1}]}""")]
    [TestCase("""{ "Prototype": "type-setter", "Key": "shipped", "Type": "date", "Format": "dd-MM-yyyy", "OutputFormat": "yyyy-MM-dd" }""", """{"shipped":"2026-11-30"}""")]
    [TestCase("""{ "Prototype": "merger", "Template": "&{lines.0}" }""", """{"@":{"sku":"A","qty":"2"}}""")]
    [TestCase("""{ "Prototype": "conditional", "Condition": { "Prototype": "exists", "Key": "trackingCode" }, "Then": [ { "Prototype": "value-setter", "Key": "state", "Value": "sent" } ], "Else": [ { "Prototype": "value-setter", "Key": "state", "Value": "waiting" } ] }""", """{"state":"sent"}""")]
    [TestCase("""{ "Prototype": "conditional", "Condition": { "Prototype": "not", "Condition": { "Prototype": "exists", "Key": "trackingCode" } }, "Else": [ { "Prototype": "value-setter", "Key": "state", "Value": "sent" } ] }""", """{"state":"sent"}""")]
    [TestCase("""{ "Prototype": "chain", "Transformers": [ { "Prototype": "value-setter", "Key": "a", "Value": "1" }, { "Prototype": "type-setter", "Key": "a", "Type": "float" } ] }""", """{"a":1}""")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "and", "Conditions": [ { "Prototype": "one-of", "Key": "carrier", "Values": [ "PostNL", "DHL" ] }, { "Prototype": "matches", "Key": "trackingCode", "Pattern": "^3S" } ] } }""", """{"carrier":"PostNL"}""")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "equals", "Key": "express", "Value": true } }""", """{"express":true}""")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "count", "Value": 5 }""", """{"count":"5"}""")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "or", "Conditions": [ { "Prototype": "equals", "Key": "type", "Value": "return" }, { "Prototype": "equals", "Key": "type", "Value": "shipment" } ] } }""", """{"type":"shipment"}""")]
    public async Task Every_prototype_is_configurable(string transformer, string expected)
    {
        var entity = Entities.Parse(Shipment);
        entity["shipped"] = "30-11-2026";
        entity["express"] = true;

        var result = await DryRun("[" + transformer + "]", entity.ToJsonString());

        result.Status.Should().Be(RouteDryRunStatus.Continue, result.Reason);
        var expectedNode = Entities.Parse(expected).AsObject();
        if (expectedNode.ContainsKey("@"))
        {
            result.Entity.ShouldBeJson(expectedNode["@"]!.ToJsonString());
            return;
        }

        foreach (var (key, value) in expectedNode)
        {
            result.Entity![key].ShouldBeJson(value?.ToJsonString() ?? "null");
        }
    }

    [Test]
    public async Task A_brancher_in_configuration_gives_branches()
    {
        var result = await DryRun("""[ { "Prototype": "brancher", "Pattern": "lines" }, { "Prototype": "type-setter", "Key": "qty", "Type": "int" } ]""", Shipment);

        result.Branched.Should().BeTrue();
        result.Entity.ShouldBeJson("""[{"sku":"A","qty":2},{"sku":"B","qty":1}]""");
    }

    [Test]
    public async Task Configuration_values_are_filled_in_at_start_up()
    {
        var result = await DryRun(
            """[ { "Prototype": "value-setter", "Key": "source", "Value": "${Wms:Name}" }, { "Prototype": "merger", "Template": { "id": "&{orderId}", "token": "${ERP_TOKEN}", "source": "&{source}" } } ]""",
            Shipment,
            new Dictionary<string, string?> { ["Wms:Name"] = "Warehouse 1", ["ERP_TOKEN"] = "t0k3n" });

        result.Entity.ShouldBeJson("""{"id":"7","token":"t0k3n","source":"Warehouse 1"}""");
    }

    [TestCase("""{ "Prototype": "value-setter", "Value": "x" }""", "Alumio:Routes:r:Transformers:0:Key is required.")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "a" }""", "Alumio:Routes:r:Transformers:0:Value is required.")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "a..b", "Value": "x" }""", "Alumio:Routes:r:Transformers:0:Key is not a valid pattern path (it): The pattern 'a..b' has an empty key at position 3.")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "a", "Value": "&{b" }""", "Alumio:Routes:r:Transformers:0:Value is invalid: The placeholder at position 1 is not closed with '}'.")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "a", "Value": { "x": [ "&{}" ] } }""", "Alumio:Routes:r:Transformers:0:Value is invalid: At 'x.0': The placeholder at position 1 is empty.")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "a", "Value": "${MISSING_SETTING}" }""", "Alumio:Routes:r:Transformers:0:Value is invalid: The setting ${MISSING_SETTING} is not set in the configuration.")]
    [TestCase("""{ "Prototype": "value-setter", "Key": "a", "Value": "x", "Vaule": "y" }""", "Alumio:Routes:r:Transformers:0:Vaule is not a setting of prototype 'value-setter'.")]
    [TestCase("""{ "Prototype": "value-mapper", "Key": "a" }""", "Alumio:Routes:r:Transformers:0:Map is required: an object of from/to pairs, such as { \"PostNL\": \"PNL\" }.")]
    [TestCase("""{ "Prototype": "value-mapper", "Key": "a", "Map": "PNL" }""", "Alumio:Routes:r:Transformers:0:Map must be an object of from/to pairs, such as { \"PostNL\": \"PNL\" }.")]
    [TestCase("""{ "Prototype": "value-mapper", "Key": "a", "Map": { "x": { "y": "z" } } }""", "Alumio:Routes:r:Transformers:0:Map:x must be a single value.")]
    [TestCase("""{ "Prototype": "value-mapper", "Key": "a", "Map": { "x": "y" }, "Default": [ "a" ] }""", "Alumio:Routes:r:Transformers:0:Default must be a single value, not a list or object.")]
    [TestCase("""{ "Prototype": "key-mapper", "Map": { "a[": "b" } }""", "Alumio:Routes:r:Transformers:0:Map:a[ is not a valid pattern path (its key): The pattern 'a[' has a '[' without ']' at position 2.")]
    [TestCase("""{ "Prototype": "copy", "From": "a" }""", "Alumio:Routes:r:Transformers:0:To is required.")]
    [TestCase("""{ "Prototype": "copy", "From": "a.*", "To": "b.$2" }""", "Alumio:Routes:r:Transformers:0:To is invalid: The capture $2 at position 3 is out of range: the pattern has 1 wildcard key, so $1 to $1.")]
    [TestCase("""{ "Prototype": "move", "To": "b" }""", "Alumio:Routes:r:Transformers:0:From is required.")]
    [TestCase("""{ "Prototype": "key-filter" }""", "Alumio:Routes:r:Transformers:0:Keys is required: a list of at least one pattern path.")]
    [TestCase("""{ "Prototype": "value-remover", "Keys": [ "a", "b]" ] }""", "Alumio:Routes:r:Transformers:0:Keys:1 is not a valid pattern path (it): The pattern 'b]' has a ']' without '[' at position 2.")]
    [TestCase("""{ "Prototype": "type-setter", "Key": "a", "Type": "integer64" }""", "Alumio:Routes:r:Transformers:0:Type 'integer64' is not one of int, float, bool, string, date.")]
    [TestCase("""{ "Prototype": "type-setter", "Key": "a" }""", "Alumio:Routes:r:Transformers:0:Type is required.")]
    [TestCase("""{ "Prototype": "type-setter", "Key": "a", "Type": "int", "Format": "dd-MM-yyyy" }""", "Alumio:Routes:r:Transformers:0:Format applies to Type date only.")]
    [TestCase("""{ "Prototype": "type-setter", "Key": "a", "Type": "date", "OutputFormat": "%" }""", "Alumio:Routes:r:Transformers:0:OutputFormat '%' is not a valid .NET date format.")]
    [TestCase("""{ "Prototype": "merger" }""", "Alumio:Routes:r:Transformers:0:Template is required.")]
    [TestCase("""{ "Prototype": "filter" }""", "Alumio:Routes:r:Transformers:0:Condition is required: a condition such as { \"Prototype\": \"equals\", \"Key\": \"type\", \"Value\": \"shipment\" }.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "equal", "Key": "a", "Value": "b" } }""", "Alumio:Routes:r:Transformers:0:Condition:Prototype 'equal' is not a known condition prototype; known condition prototypes: and, equals, exists, matches, not, one-of, or.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "equals", "Key": "a" } }""", "Alumio:Routes:r:Transformers:0:Condition:Value is required.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "one-of", "Key": "a" } }""", "Alumio:Routes:r:Transformers:0:Condition:Values is required: a list of at least one value.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "exists" } }""", "Alumio:Routes:r:Transformers:0:Condition:Key is required.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "matches", "Key": "a", "Pattern": "(x" } }""", "Alumio:Routes:r:Transformers:0:Condition:Pattern is not a valid regular expression (InsufficientClosingParentheses at offset 2).")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "matches", "Key": "a", "Pattern": "(?=x)" } }""", "Alumio:Routes:r:Transformers:0:Condition:Pattern uses a construct that non-backtracking matching does not support, such as a backreference or lookaround.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "and", "Conditions": [ ] } }""", "Alumio:Routes:r:Transformers:0:Condition:Conditions is required: a list of at least one condition.")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "or", "Conditions": { "a": 1 } } }""", "Alumio:Routes:r:Transformers:0:Condition:Conditions must be a list ([ ... ]).")]
    [TestCase("""{ "Prototype": "filter", "Condition": { "Prototype": "not" } }""", "Alumio:Routes:r:Transformers:0:Condition:Condition is required: a condition such as { \"Prototype\": \"equals\", \"Key\": \"type\", \"Value\": \"shipment\" }.")]
    [TestCase("""{ "Prototype": "conditional", "Condition": { "Prototype": "exists", "Key": "a" } }""", "Alumio:Routes:r:Transformers:0:Then or Else is required: a list of transformers.")]
    [TestCase("""{ "Prototype": "conditional", "Condition": { "Prototype": "exists", "Key": "a" }, "Then": [ { "Prototype": "value-setter", "Key": "x" } ] }""", "Alumio:Routes:r:Transformers:0:Then:0:Value is required.")]
    [TestCase("""{ "Prototype": "chain", "Transformers": [ { "Prototype": "brancher", "Pattern": "lines" } ] }""", "Alumio:Routes:r:Transformers:0:Transformers:0 is a brancher, which is allowed only directly in a route's Transformers, not inside a chain or conditional.")]
    [TestCase("""{ "Prototype": "chain" }""", "Alumio:Routes:r:Transformers:0:Transformers is required: a list of at least one transformer.")]
    [TestCase("""{ "Prototype": "brancher" }""", "Alumio:Routes:r:Transformers:0:Pattern is required.")]
    public void Each_bad_setting_stops_start_up_naming_the_route_and_transformer(string transformer, string error)
    {
        Errors("[" + transformer + "]").Should().Equal(error);
    }

    [Test]
    public void All_errors_of_all_transformers_are_listed_at_once_with_their_index()
    {
        var errors = Errors("""
            [ { "Prototype": "value-setter", "Key": "ok", "Value": "x" },
              { "Prototype": "value-setter" },
              { "Prototype": "filter", "Condition": { "Prototype": "and", "Conditions": [ { "Prototype": "exists" }, { "Prototype": "equals", "Key": "a", "Value": "b", "Extra": 1 } ] } } ]
            """);

        errors.Should().Equal(
            "Alumio:Routes:r:Transformers:1:Key is required.",
            "Alumio:Routes:r:Transformers:1:Value is required.",
            "Alumio:Routes:r:Transformers:2:Condition:Conditions:0:Key is required.",
            "Alumio:Routes:r:Transformers:2:Condition:Conditions:1:Extra is not a setting of prototype 'equals'.");
    }

    [Test]
    public async Task A_condition_prototype_of_your_own_is_registered_by_name()
    {
        using var services = Build(
            """[ { "Prototype": "filter", "Condition": { "Prototype": "weekday", "Day": "Monday" } } ]""",
            configure: webhooks => webhooks.AddConditionPrototype("weekday", context => new EqualsCondition("day", context.GetRequiredString("Day"))));

        var result = await services.GetRequiredService<RouteDryRun>().RunAsync("r", Entities.Parse("""{"day":"Tuesday"}"""), CancellationToken.None);

        result.Reason.Should().Be("Filter condition not met: day equals \"Monday\"");
    }

    [Test]
    public async Task Builder_methods_declare_the_same_transformers_in_code()
    {
        using var services = BuildCode(route => route
            .Filter(new EqualsCondition("type", "shipment"))
            .SetValue("status", "shipped &{orderId}")
            .MapValue("carrier", new Dictionary<string, string> { ["PostNL"] = "PNL" }, "OTHER")
            .MapKeys(new Dictionary<string, string> { ["trackingCode"] = "tracking_code" })
            .Copy("lines.*.sku", "skus.$1")
            .Move("status", "state")
            .RemoveKeys("type")
            .SetType("lines.*.qty", EntityValueType.Int)
            .When(new ExistsCondition("tracking_code"), [new ValueSetterTransformer("sent", true)])
            .KeepKeys("orderId", "tracking_code", "carrier", "state", "skus", "lines", "sent", "source")
            .SetValue("source", "${Wms:Name}")
            .Merge(new JsonObject { ["order"] = "&{orderId}", ["rest"] = "&{@}" }));

        var result = await services.GetRequiredService<RouteDryRun>().RunAsync("r", Entities.Parse(Shipment), CancellationToken.None);

        result.Entity.ShouldBeJson("""
            {"order":"7","rest":{"orderId":"7","tracking_code":"3SABC","carrier":"PNL","lines":[{"sku":"A","qty":2},{"sku":"B","qty":1}],
             "skus":{"0":"A","1":"B"},"state":"shipped 7","sent":true,"source":"Warehouse 1"}}
            """);
        services.GetRequiredService<WebhookModel>().Routes["r"].TransformerNames.Should().Equal(
            "filter", "value-setter", "value-mapper", "key-mapper", "copy", "move", "value-remover", "type-setter", "conditional", "key-filter", "value-setter", "merger");
    }

    [Test]
    public async Task A_brancher_declared_in_code_splits_the_entity()
    {
        using var services = BuildCode(route => route.Branch("lines"));

        var result = await services.GetRequiredService<RouteDryRun>().RunAsync("r", Entities.Parse(Shipment), CancellationToken.None);

        result.Entities.Should().HaveCount(2);
    }

    [Test]
    public void Bad_arguments_to_builder_methods_stop_start_up_naming_the_route_and_transformer()
    {
        var act = () => BuildCode(route => route
            .SetValue("ok", "x")
            .SetValue("a..b", "x")
            .SetValue("c", "${MISSING_SETTING}")
            .SetType("d", EntityValueType.Int, "dd-MM-yyyy")
            .KeepKeys()
            .When(new ExistsCondition("x"), [new BrancherTransformer("lines")])
            .Copy("a", "b.$1")).GetRequiredService<WebhookModel>();

        act.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().Equal(
            "route 'r' transformer 1 (value-setter): The pattern 'a..b' has an empty key at position 3.",
            "route 'r' transformer 2 (value-setter): The setting ${MISSING_SETTING} is not set in the configuration.",
            "route 'r' transformer 3 (type-setter): Format and OutputFormat apply to the date type only. (Parameter 'format')",
            "route 'r' transformer 4 (key-filter): At least one pattern is required. (Parameter 'patterns')",
            "route 'r' transformer 5 (conditional): Transformer 0 is a brancher, which is allowed only directly in a route's transformers, not inside a chain or conditional. (Parameter 'then')",
            "route 'r' transformer 6 (copy): The capture $1 at position 3 has nothing to refer to: the pattern has no wildcard keys.");
    }

    private static Task<RouteDryRunResult> DryRun(string transformers, string entity, IDictionary<string, string?>? settings = null) =>
        ConfiguredRoute.DryRunAsync(transformers, entity, settings);

    private static IReadOnlyList<string> Errors(string transformers) => ConfiguredRoute.Errors(transformers);

    private static ServiceProvider Build(string transformers, Action<AlumioWebhooksBuilder>? configure = null) =>
        ConfiguredRoute.Build(transformers, configure: configure);

    private static ServiceProvider BuildCode(Action<RouteBuilder> route)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Wms:Name"] = "Warehouse 1" }).Build());
        services.AddAlumioWebhooks(webhooks => webhooks
            .AddIncoming("in", incoming => incoming.ParseJson())
            .AddWebhook("w", webhook => webhook.Incoming("in"))
            .AddOutgoing("o", outgoing => outgoing.Deliver((_, _, _) => ValueTask.FromResult(Alumio.Webhooks.Outgoing.OutgoingResult.Success())))
            .AddRoute("r", r => route(r.From("in").To("o"))));
        return services.BuildServiceProvider();
    }
}
