using Alumio.Webhooks.Tasks;
using Alumio.Webhooks.Tests.Support;
using Alumio.Webhooks.Transformation;

namespace Alumio.Webhooks.Tests.Transformation;

/// <summary>Each recipe of the README's transformer cookbook, with its JSON exactly as printed there.</summary>
public class CookbookTests
{
    private const string WmsShipment = """
        {"@id":"S-1001","orderId":"7","trackingCode":"3SABC","carrier":"PostNL","shippedAt":"30-11-2026 14:05","warehouse":"EDE",
         "lines":[{"sku":"A-1","qty":"2"},{"sku":"B-2","qty":"1"}]}
        """;

    private const string CompleteOrderInErp = """
        [
          { "Prototype": "value-setter", "Key": "status", "Value": "completed" },
          { "Prototype": "type-setter", "Key": "shippedAt", "Type": "date", "Format": "dd-MM-yyyy HH:mm" },
          { "Prototype": "type-setter", "Key": "lines.*.qty", "Type": "int" },
          { "Prototype": "key-mapper", "Map": { "lines.*.qty": "quantity" } },
          { "Prototype": "value-mapper", "Key": "carrier", "Map": { "PostNL": "PNL", "DHL": "DHL" }, "Default": "OTHER" },
          { "Prototype": "key-filter", "Keys": [ "orderId", "status", "shippedAt", "carrier", "trackingCode", "lines" ] }
        ]
        """;

    private const string SendTrackingToShop = """
        [
          { "Prototype": "filter", "Condition": { "Prototype": "exists", "Key": "trackingCode" } },
          { "Prototype": "value-mapper", "Key": "carrier", "Map": { "PostNL": "PNL" }, "Default": "OTHER" },
          { "Prototype": "merger", "Template": { "order": "&{orderId}", "code": "&{trackingCode}", "carrier": "&{carrier}" } }
        ]
        """;

    private const string SendTrackingToShopByRenaming = """
        [
          { "Prototype": "value-mapper", "Key": "carrier", "Map": { "PostNL": "PNL" }, "Default": "OTHER" },
          { "Prototype": "key-mapper", "Map": { "orderId": "order", "trackingCode": "code" } },
          { "Prototype": "key-filter", "Keys": [ "order", "code", "carrier" ] }
        ]
        """;

    private const string DropPersonalData = """
        [ { "Prototype": "value-remover", "Keys": [ "customer.email", "customer.phone", "lines.*.giftMessage" ] } ]
        """;

    private const string OnlyShipmentsOfSomeCarriers = """
        [
          { "Prototype": "filter", "Condition": { "Prototype": "and", "Conditions": [
              { "Prototype": "equals", "Key": "type", "Value": "shipment" },
              { "Prototype": "one-of", "Key": "carrier", "Values": [ "PostNL", "DHL" ] } ] } }
        ]
        """;

    private const string NumbersAndDates = """
        [
          { "Prototype": "type-setter", "Key": "lines.*.qty", "Type": "int" },
          { "Prototype": "type-setter", "Key": "lines.*.price", "Type": "float" },
          { "Prototype": "type-setter", "Key": "express", "Type": "bool" },
          { "Prototype": "type-setter", "Key": "shippedAt", "Type": "date", "Format": "dd-MM-yyyy HH:mm" }
        ]
        """;

    private const string SnakeCase = """
        [ { "Prototype": "key-mapper", "Map": { "orderId": "order_id", "trackingCode": "tracking_code", "lines.*.unitPrice": "unit_price" } } ]
        """;

    private const string FlattenWithCaptures = """
        [
          { "Prototype": "move", "From": "customer.*", "To": "customer_$1" },
          { "Prototype": "value-remover", "Keys": "customer" }
        ]
        """;

    private const string ConstantAndSetting = """
        [
          { "Prototype": "value-setter", "Key": "source", "Value": "wms" },
          { "Prototype": "value-setter", "Key": "erp.company", "Value": "${Erp:Company}" },
          { "Prototype": "value-setter", "Key": "reference", "Value": "WMS-&{orderId}" }
        ]
        """;

    private const string OneDeliveryPerLine = """
        [
          { "Prototype": "value-setter", "Key": "lines.*.orderId", "Value": "&{orderId}" },
          { "Prototype": "brancher", "Pattern": "lines" }
        ]
        """;

    private const string TrackingUrlPerCarrier = """
        [
          { "Prototype": "conditional",
            "Condition": { "Prototype": "matches", "Key": "trackingCode", "Pattern": "^3S[A-Z0-9]+$" },
            "Then": [ { "Prototype": "value-setter", "Key": "trackingUrl", "Value": "https://postnl.nl/tracktrace/?B=&{trackingCode}" } ],
            "Else": [ { "Prototype": "value-setter", "Key": "trackingUrl", "Value": "https://track.example/&{carrier}/&{trackingCode}" } ] }
        ]
        """;

    private const string Envelope = """
        [ { "Prototype": "merger", "Template": { "event": "shipment.shipped", "data": "&{@}" } } ]
        """;

    [Test]
    public async Task Seed_scenario_completes_the_order_in_the_erp()
    {
        var result = await ConfiguredRoute.DryRunAsync(CompleteOrderInErp, WmsShipment);

        result.Entity.ShouldBeJson("""
            {"orderId":"7","trackingCode":"3SABC","carrier":"PNL","shippedAt":"2026-11-30T14:05:00",
             "lines":[{"sku":"A-1","quantity":2},{"sku":"B-2","quantity":1}],"status":"completed"}
            """);
    }

    [Test]
    public async Task Seed_scenario_sends_the_tracking_update_to_the_shop()
    {
        (await ConfiguredRoute.DryRunAsync(SendTrackingToShop, WmsShipment)).Entity.ShouldBeJson("""{"order":"7","code":"3SABC","carrier":"PNL"}""");

        var untracked = await ConfiguredRoute.DryRunAsync(SendTrackingToShop, """{"orderId":"8","carrier":"DHL"}""");
        untracked.Status.Should().Be(RouteDryRunStatus.Skipped);
        untracked.Reason.Should().Be("Filter condition not met: trackingCode exists");
    }

    [Test]
    public async Task Seed_scenario_tracking_update_by_renaming_keys_gives_the_same()
    {
        (await ConfiguredRoute.DryRunAsync(SendTrackingToShopByRenaming, WmsShipment)).Entity.ShouldBeJson("""{"order":"7","code":"3SABC","carrier":"PNL"}""");
    }

    [Test]
    public async Task Seed_scenario_runs_end_to_end_from_the_xml_webhook()
    {
        var erp = new RecordingOutgoing();
        var shop = new RecordingOutgoing();
        var json = $$"""
            { "Alumio": {
                "Webhooks": { "wms-shipments": { "Incoming": "wms-shipments" } },
                "Incoming": { "wms-shipments": { "Parser": { "Prototype": "xml", "AlwaysArray": [ "shipments.shipment.lines.line" ] }, "PatternToItems": "shipments.shipment" } },
                "Routes": {
                  "complete-order-in-erp": { "Incoming": "wms-shipments", "Outgoing": "erp",
                    "Transformers": [ { "Prototype": "move", "From": "lines.line", "To": "lines" } ] },
                  "send-tracking-to-shop": { "Incoming": "wms-shipments", "Outgoing": "shop", "Transformers": {{SendTrackingToShop}} } } } }
            """;
        await using var host = TestHost.Create(webhooks => webhooks
            .AddConfiguration(ConfigurationJsonFile.Section(json))
            .AddOutgoing("erp", outgoing => outgoing.Use(erp))
            .AddOutgoing("shop", outgoing => outgoing.Use(shop)));
        const string xml = """
            <shipments>
              <shipment id="S-1001"><orderId>7</orderId><trackingCode>3SABC</trackingCode><carrier>PostNL</carrier>
                <lines><line><sku>A-1</sku><qty>2</qty></line></lines></shipment>
              <shipment id="S-1002"><orderId>8</orderId><carrier>DHL</carrier><lines><line><sku>C-3</sku><qty>1</qty></line></lines></shipment>
            </shipments>
            """;

        (await host.Receiver.ReceiveAsync("wms-shipments", new TestRequest(xml, "application/xml"), CancellationToken.None)).Tasks.Should().Be(4);
        await host.Processor.ProcessAllDueAsync(CancellationToken.None);

        Entities.Parse(shop.Sent.Should().ContainSingle().Subject).ShouldBeJson("""{"order":"7","code":"3SABC","carrier":"PNL"}""");
        shop.Sent.Single().Should().Be("""{"carrier":"PNL","code":"3SABC","order":"7"}""", "configuration gives keys in its own (sorted) order");
        erp.Sent.Should().HaveCount(2).And.Contain(sent => sent.Contains("\"lines\":[{\"sku\":\"A-1\",\"qty\":\"2\"}]"));
        var skipped = (await host.AllTasksAsync()).Single(task => task.Status == WebhookTaskStatus.Skipped);
        skipped.Route.Should().Be("send-tracking-to-shop");
        skipped.LastError.Should().Be("Filter condition not met: trackingCode exists");
    }

    [Test]
    public async Task Drop_personal_data()
    {
        var result = await ConfiguredRoute.DryRunAsync(DropPersonalData, """
            {"orderId":"7","customer":{"name":"J. Jansen","email":"j@example.com","phone":"0612345678"},"lines":[{"sku":"A-1","giftMessage":"Happy birthday"}]}
            """);

        result.Entity.ShouldBeJson("""{"orderId":"7","customer":{"name":"J. Jansen"},"lines":[{"sku":"A-1"}]}""");
    }

    [Test]
    public async Task Only_forward_shipments_of_some_carriers()
    {
        (await ConfiguredRoute.DryRunAsync(OnlyShipmentsOfSomeCarriers, """{"type":"shipment","carrier":"DHL"}""")).Status.Should().Be(RouteDryRunStatus.Continue);

        var skipped = await ConfiguredRoute.DryRunAsync(OnlyShipmentsOfSomeCarriers, """{"type":"return","carrier":"PostNL"}""");
        skipped.Status.Should().Be(RouteDryRunStatus.Skipped);
        skipped.Reason.Should().Be("Filter condition not met: (type equals \"shipment\" and carrier is one of [\"PostNL\", \"DHL\"])");
    }

    [Test]
    public async Task Convert_text_to_numbers_booleans_and_iso_dates()
    {
        var result = await ConfiguredRoute.DryRunAsync(NumbersAndDates, """{"shippedAt":"30-11-2026 14:05","express":"yes","lines":[{"qty":"2","price":"19.95"}]}""");

        result.Entity.ShouldBeJson("""{"shippedAt":"2026-11-30T14:05:00","express":true,"lines":[{"qty":2,"price":19.95}]}""");
    }

    [Test]
    public async Task Convert_fails_the_task_on_a_value_that_is_not_a_number()
    {
        var result = await ConfiguredRoute.DryRunAsync(NumbersAndDates, """{"lines":[{"qty":"two"}]}""");

        result.Status.Should().Be(RouteDryRunStatus.Failed);
        result.Reason.Should().Be("Route 'r', transformer 0 (type-setter), at 'lines.0.qty': The value \"two\" is not a whole number.");
    }

    [Test]
    public async Task Rename_keys_to_snake_case()
    {
        var result = await ConfiguredRoute.DryRunAsync(SnakeCase, """{"orderId":"7","trackingCode":"3SABC","lines":[{"sku":"A-1","unitPrice":9.95}]}""");

        result.Entity.ShouldBeJson("""{"order_id":"7","tracking_code":"3SABC","lines":[{"sku":"A-1","unit_price":9.95}]}""");
    }

    [Test]
    public async Task Flatten_nested_fields_with_captures()
    {
        var result = await ConfiguredRoute.DryRunAsync(FlattenWithCaptures, """{"orderId":"7","customer":{"name":"J. Jansen","city":"Ede"}}""");

        result.Entity.ShouldBeJson("""{"orderId":"7","customer_name":"J. Jansen","customer_city":"Ede"}""");
    }

    [Test]
    public async Task Add_a_constant_a_configuration_value_and_a_reference()
    {
        var result = await ConfiguredRoute.DryRunAsync(ConstantAndSetting, """{"orderId":"7"}""", new Dictionary<string, string?> { ["Erp:Company"] = "ACME-NL" });

        result.Entity.ShouldBeJson("""{"orderId":"7","source":"wms","erp":{"company":"ACME-NL"},"reference":"WMS-7"}""");
    }

    [Test]
    public async Task One_delivery_per_order_line()
    {
        var result = await ConfiguredRoute.DryRunAsync(OneDeliveryPerLine, WmsShipment);

        result.Branched.Should().BeTrue();
        result.Entity.ShouldBeJson("""[{"sku":"A-1","qty":"2","orderId":"7"},{"sku":"B-2","qty":"1","orderId":"7"}]""");
    }

    [Test]
    public async Task Set_a_value_per_carrier()
    {
        (await ConfiguredRoute.DryRunAsync(TrackingUrlPerCarrier, WmsShipment)).Entity!["trackingUrl"]
            .ShouldBeJson("\"https://postnl.nl/tracktrace/?B=3SABC\"");
        (await ConfiguredRoute.DryRunAsync(TrackingUrlPerCarrier, """{"carrier":"DHL","trackingCode":"JD0123"}""")).Entity!["trackingUrl"]
            .ShouldBeJson("\"https://track.example/DHL/JD0123\"");
    }

    [Test]
    public async Task Wrap_the_entity_in_an_envelope()
    {
        (await ConfiguredRoute.DryRunAsync(Envelope, """{"orderId":"7"}""")).Entity.ShouldBeJson("""{"event":"shipment.shipped","data":{"orderId":"7"}}""");
    }
}
