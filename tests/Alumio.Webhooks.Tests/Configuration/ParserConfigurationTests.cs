using System.Text;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Parsing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Tests.Configuration;

public class ParserConfigurationTests
{
    [Test]
    public void Every_new_parser_prototype_builds_from_configuration_with_its_settings()
    {
        var model = BuildModel("""
            {
              "ndjson": { "Prototype": "ndjson" },
              "csv": { "Prototype": "csv", "Delimiter": ";", "Enclosure": "'", "Escape": "'", "HasHeaderRow": "false", "Encoding": "iso-8859-1" },
              "csv-defaults": "csv",
              "yaml": { "Prototype": "yaml" },
              "form": "form",
              "binary": { "Prototype": "binary" }
            }
            """);

        model.Incoming["ndjson"].Parser.Should().BeOfType<NdjsonParser>();
        model.Incoming["csv"].Parser.Should().BeOfType<CsvParser>().Which.Options.Should().Be(new CsvParserOptions
        {
            Delimiter = ';',
            Enclosure = '\'',
            Escape = '\'',
            HasHeaderRow = false,
            Encoding = Encoding.Latin1,
        });
        model.Incoming["csv-defaults"].Parser.Should().BeOfType<CsvParser>().Which.Options.Should().Be(new CsvParserOptions());
        model.Incoming["yaml"].Parser.Should().BeOfType<YamlParser>();
        model.Incoming["form"].Parser.Should().BeOfType<FormParser>();
        model.Incoming["binary"].Parser.Should().BeOfType<BinaryParser>();
    }

    [Test]
    public void Code_builds_the_same_parsers()
    {
        var options = new CsvParserOptions { Delimiter = '\t', HasHeaderRow = false };

        var model = BuildModel(webhooks => webhooks
            .AddIncoming("ndjson", i => i.ParseNdjson())
            .AddIncoming("csv", i => i.ParseCsv(options))
            .AddIncoming("yaml", i => i.ParseYaml())
            .AddIncoming("form", i => i.ParseForm())
            .AddIncoming("binary", i => i.ParseBinary())
            .AddOutgoing("o", o => o.Http(HttpMethod.Post, "https://example.invalid/x"))
            .AddWebhook("w", w => w.Incoming("ndjson").Incoming("csv").Incoming("yaml").Incoming("form").Incoming("binary"))
            .AddRoute("r1", r => r.From("ndjson").To("o"))
            .AddRoute("r2", r => r.From("csv").To("o"))
            .AddRoute("r3", r => r.From("yaml").To("o"))
            .AddRoute("r4", r => r.From("form").To("o"))
            .AddRoute("r5", r => r.From("binary").To("o")));

        model.Incoming["ndjson"].Parser.Should().BeOfType<NdjsonParser>();
        model.Incoming["csv"].Parser.Should().BeOfType<CsvParser>().Which.Options.Should().BeSameAs(options);
        model.Incoming["yaml"].Parser.Should().BeOfType<YamlParser>();
        model.Incoming["form"].Parser.Should().BeOfType<FormParser>();
        model.Incoming["binary"].Parser.Should().BeOfType<BinaryParser>();
    }

    [Test]
    public void Bad_parser_settings_are_listed_at_start_up()
    {
        var act = () => BuildModel("""
            {
              "csv1": { "Prototype": "csv", "Delimiter": ";;", "Encoding": "klingon", "HasHeaderRow": "yes", "Escape": "\\" },
              "csv2": { "Prototype": "csv", "Delimiter": "#", "Enclosure": "#" },
              "csv3": { "Prototype": "csv", "Delimiter": "'", "Enclosure": "'" },
              "yaml": { "Prototype": "yaml", "MaxDepth": 3 },
              "form": { "Prototype": "form", "Charset": "utf-8" }
            }
            """);

        var errors = act.Should().Throw<AlumioConfigurationException>().Which.Errors;
        errors.Should().BeEquivalentTo(
            "Alumio:Incoming:csv1:Parser:Encoding 'klingon' is not a known encoding; use utf-8, utf-16, utf-16BE, utf-32, us-ascii or iso-8859-1.",
            "Alumio:Incoming:csv1:Parser:Delimiter must be exactly one character; it is 2 characters long.",
            "Alumio:Incoming:csv1:Parser:HasHeaderRow 'yes' is not true or false.",
            "Alumio:Incoming:csv1:Parser:Escape '\\' is not supported: only a doubled Enclosure (\"\") escapes an Enclosure inside a value, so leave Escape unset or set it to the Enclosure.",
            "Alumio:Incoming:csv2:Parser:Delimiter may not be the same as the Enclosure ('#').",
            "Alumio:Incoming:csv3:Parser:Delimiter may not be the same as the Enclosure (''').",
            "Alumio:Incoming:yaml:Parser:MaxDepth is not a setting of prototype 'yaml'.",
            "Alumio:Incoming:form:Parser:Charset is not a setting of prototype 'form'.");
    }

    [Test]
    public void A_bad_csv_setting_in_code_is_listed_at_start_up()
    {
        var act = () => BuildModel(webhooks => webhooks
            .AddIncoming("csv", i => i.ParseCsv(new CsvParserOptions { Escape = '\\' }))
            .AddOutgoing("o", o => o.Http(HttpMethod.Post, "https://example.invalid/x"))
            .AddWebhook("w", w => w.Incoming("csv"))
            .AddRoute("r", r => r.From("csv").To("o")));

        act.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().ContainSingle()
            .Which.Should().StartWith("incoming 'csv' parser: Invalid CSV parser settings: Escape '\\' is not supported");
    }

    [Test]
    public void The_auto_prototype_builds_from_configuration_with_the_xml_read_method_and_csv_settings()
    {
        var model = BuildModel("""
            {
              "auto": { "Prototype": "auto", "ReadMethod": "Incremental", "Delimiter": ";", "Enclosure": "'", "HasHeaderRow": false, "Encoding": "utf-8" },
              "auto-defaults": "auto"
            }
            """);

        model.Incoming["auto"].Parser.Should().BeOfType<AutoParser>().Which.Options.Should().Be(new AutoParserOptions
        {
            ReadMethod = XmlReadMethod.Incremental,
            Csv = new CsvParserOptions { Delimiter = ';', Enclosure = '\'', HasHeaderRow = false, Encoding = Encoding.UTF8 },
        });
        model.Incoming["auto-defaults"].Parser.Should().BeOfType<AutoParser>().Which.Options.Should().Be(new AutoParserOptions());
    }

    [Test]
    public void Code_builds_the_same_auto_parser()
    {
        var options = new AutoParserOptions { ReadMethod = XmlReadMethod.Incremental, Csv = new CsvParserOptions { HasHeaderRow = false } };

        var model = BuildModel(webhooks => webhooks
            .AddIncoming("auto", i => i.ParseAuto(options))
            .AddIncoming("auto-defaults", i => i.ParseAuto())
            .AddOutgoing("o", o => o.Http(HttpMethod.Post, "https://example.invalid/x"))
            .AddWebhook("w", w => w.Incoming("auto").Incoming("auto-defaults"))
            .AddRoute("r1", r => r.From("auto").To("o"))
            .AddRoute("r2", r => r.From("auto-defaults").To("o")));

        model.Incoming["auto"].Parser.Should().BeOfType<AutoParser>().Which.Options.Should().BeSameAs(options);
        model.Incoming["auto-defaults"].Parser.Should().BeOfType<AutoParser>().Which.Options.Should().Be(new AutoParserOptions());
    }

    [Test]
    public void Bad_auto_settings_are_listed_at_start_up_like_those_of_xml_and_csv()
    {
        var act = () => BuildModel("""
            {
              "auto1": { "Prototype": "auto", "ReadMethod": "Sometimes", "Delimiter": ";;", "Encoding": "klingon" },
              "auto2": { "Prototype": "auto", "Delimiter": "#", "Enclosure": "#", "Namespaces": "Strip" }
            }
            """);

        var errors = act.Should().Throw<AlumioConfigurationException>().Which.Errors;
        errors.Should().BeEquivalentTo(
            "Alumio:Incoming:auto1:Parser:ReadMethod 'Sometimes' is not one of WholeFile, Incremental.",
            "Alumio:Incoming:auto1:Parser:Encoding 'klingon' is not a known encoding; use utf-8, utf-16, utf-16BE, utf-32, us-ascii or iso-8859-1.",
            "Alumio:Incoming:auto1:Parser:Delimiter must be exactly one character; it is 2 characters long.",
            "Alumio:Incoming:auto2:Parser:Delimiter may not be the same as the Enclosure ('#').",
            "Alumio:Incoming:auto2:Parser:Namespaces is not a setting of prototype 'auto'.");
    }

    [Test]
    public void A_bad_csv_setting_of_auto_in_code_is_listed_at_start_up()
    {
        var act = () => BuildModel(webhooks => webhooks
            .AddIncoming("auto", i => i.ParseAuto(new AutoParserOptions { Csv = new CsvParserOptions { Escape = '\\' } }))
            .AddOutgoing("o", o => o.Http(HttpMethod.Post, "https://example.invalid/x"))
            .AddWebhook("w", w => w.Incoming("auto"))
            .AddRoute("r", r => r.From("auto").To("o")));

        act.Should().Throw<AlumioConfigurationException>().Which.Errors.Should().ContainSingle()
            .Which.Should().StartWith("incoming 'auto' parser: Invalid CSV parser settings: Escape '\\' is not supported");
    }

    /// <summary>Builds a valid model around the given incoming parsers: one webhook feeding all of them, one route each.</summary>
    private static WebhookModel BuildModel(string parsers)
    {
        var names = System.Text.Json.Nodes.JsonNode.Parse(parsers)!.AsObject().Select(p => p.Key).ToList();
        var incoming = string.Join(",", names.Select(n => $"\"{n}\": {{ \"Parser\": {System.Text.Json.Nodes.JsonNode.Parse(parsers)![n]!.ToJsonString()} }}"));
        var routes = string.Join(",", names.Select(n => $"\"r-{n}\": {{ \"Incoming\": \"{n}\", \"Outgoing\": \"o\" }}"));
        var json = $$"""
            { "Alumio": {
                "Webhooks": { "w": { "Incoming": [ {{string.Join(",", names.Select(n => $"\"{n}\""))}} ] } },
                "Incoming": { {{incoming}} },
                "Outgoing": { "o": { "Prototype": "http", "Url": "https://example.invalid/x" } },
                "Routes": { {{routes}} } } }
            """;
        var section = new ConfigurationBuilder().AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json))).Build().GetSection("Alumio");
        return BuildModel(webhooks => webhooks.AddConfiguration(section));
    }

    private static WebhookModel BuildModel(Action<AlumioWebhooksBuilder> configure)
    {
        var services = new ServiceCollection();
        configure(services.AddAlumioWebhooks());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<WebhookModel>();
    }
}
