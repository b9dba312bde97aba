using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Alumio.Webhooks.AspNetCore.Tests.Support;
using Alumio.Webhooks.Configuration;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.AspNetCore.Tests.Endpoints;

/// <summary>
/// Malformed, truncated, empty and hostile bodies over HTTP, for every parser: each is refused with a
/// 4xx problem (naming line, position or row where the parser knows them) and leaves no task behind.
/// </summary>
/// <remarks>
/// Every webhook requires items, so an empty body, which NDJSON, CSV, YAML and form parse into nothing
/// to deliver, is refused with 422 rather than accepted with no tasks. Test case arguments name a
/// target: a webhook (json, json-document, ndjson, xml, xml-incremental, csv, yaml, form, binary) or
/// <c>auto:format</c>, the auto webhook with that format's content type.
/// </remarks>
public class HostileInputTests
{
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["json"] = "application/json",
        ["ndjson"] = "application/x-ndjson",
        ["xml"] = "application/xml",
        ["csv"] = "text/csv",
        ["yaml"] = "application/yaml",
        ["form"] = "application/x-www-form-urlencoded",
        ["binary"] = "application/octet-stream",
    };

    private WebhookApp _app = null!;

    [SetUp]
    public async Task SetUp() => _app = await StartAsync();

    [TearDown]
    public async Task TearDown() => await _app.DisposeAsync();

    [TestCase("json", 2)]
    [TestCase("json-document", 1)]
    [TestCase("ndjson", 2)]
    [TestCase("xml", 2)]
    [TestCase("xml-incremental", 2)]
    [TestCase("csv", 2)]
    [TestCase("yaml", 2)]
    [TestCase("form", 2)]
    [TestCase("binary", 1)]
    [TestCase("auto:json", 2)]
    [TestCase("auto:xml", 2)]
    [TestCase("auto:yaml", 2)]
    [TestCase("auto:form", 2)]
    public async Task The_valid_body_of_each_parser_is_accepted(string target, int items)
    {
        using var response = await PostAsync(_app, target, Valid(Format(target)));

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        (await response.JsonAsync()).GetProperty("items").GetInt32().Should().Be(items);
        (await _app.AllTasksAsync()).Should().HaveCount(items);
    }

    [TestCase("json", 3L, 12L)]
    [TestCase("json-document", 3L, 12L)]
    [TestCase("ndjson", 2L, 10L)]
    [TestCase("xml", 3L, 19L)]
    [TestCase("xml-incremental", 3L, 19L)]
    [TestCase("yaml", 3L, 11L)]
    [TestCase("form", 1L, 33L)]
    [TestCase("auto:json", 3L, 12L)]
    [TestCase("auto:xml", 3L, 19L)]
    [TestCase("auto:yaml", 3L, 11L)]
    public async Task A_malformed_body_is_400_naming_line_and_position(string target, long line, long position)
    {
        var body = Format(target) switch
        {
            "json" => "{\"orders\": [\n  {\"id\": 1},\n  {\"id\": 2,, \"name\": \"x\"}\n]}",
            "ndjson" => "{\"id\": 1}\n{\"id\": 2,, \"name\": \"x\"}\n",
            "xml" => "<orders>\n  <order id=\"1\"/>\n  <order id=\"2\"></orde>\n</orders>",
            "yaml" => "orders:\n  - {id: 1}\n  - {id: 2]\n",
            "form" => "orders[0][id]=1&orders[0][name]=%zz",
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        Where(problem).Should().Be((line, position, null));
    }

    [TestCase("csv")]
    [TestCase("auto:csv")]
    public async Task A_malformed_csv_row_is_400_naming_row_line_and_position(string target)
    {
        var problem = await RefusedAsync(_app, target, "id,name\n1,Widget\n2,Gad\"get\n"u8.ToArray(), 400);

        Where(problem).Should().Be((3L, 6L, 2L));
    }

    [TestCase("json", 3L, 25L)]
    [TestCase("json-document", 3L, 25L)]
    [TestCase("ndjson", 2L, 23L)]
    [TestCase("xml", 4L, 26L)]
    [TestCase("xml-incremental", 4L, 26L)]
    [TestCase("csv", 3L, 3L)]
    [TestCase("yaml", 5L, 11L)]
    [TestCase("form", 1L, 17L)]
    [TestCase("auto:json", 3L, 25L)]
    [TestCase("auto:xml", 4L, 26L)]
    public async Task A_truncated_body_is_400_naming_where_it_ends(string target, long line, long position)
    {
        var valid = Valid(Format(target));
        var cut = Format(target) switch
        {
            "json" => IndexOf(valid, "\"Gadget\"") + 4,
            "ndjson" => IndexOf(valid, "\"Gadget\"") + 4,
            "xml" => IndexOf(valid, "Gadget") + 3,
            "csv" => IndexOf(valid, "Gad,get") + 3,
            "yaml" => IndexOf(valid, "Gadget") + 3,
            "form" => IndexOf(valid, "orders[0][name]") + 11,
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };

        var problem = await RefusedAsync(_app, target, valid[..cut], 400);

        Where(problem).Should().Be((line, position, Format(target) == "csv" ? 2L : null));
    }

    // The XML reader names no place for a missing root element.
    [TestCase("json", 400, 1L)]
    [TestCase("json-document", 400, 1L)]
    [TestCase("ndjson", 422, null)]
    [TestCase("xml", 400, null)]
    [TestCase("xml-incremental", 400, null)]
    [TestCase("csv", 422, null)]
    [TestCase("yaml", 422, null)]
    [TestCase("form", 422, null)]
    [TestCase("auto:json", 400, 1L)]
    [TestCase("auto:xml", 400, null)]
    [TestCase("auto:csv", 422, null)]
    public async Task An_empty_body_is_refused(string target, int status, long? line)
    {
        var problem = await RefusedAsync(_app, target, [], status);

        Line(problem).Should().Be(line);
    }

    [TestCase("json", 3L, 25L)]
    [TestCase("json-document", 3L, 25L)]
    [TestCase("ndjson", 2L, 23L)]
    [TestCase("xml", 4L, 26L)]
    [TestCase("xml-incremental", 4L, 26L)]
    [TestCase("csv", 3L, 7L)]
    [TestCase("yaml", 5L, 15L)]
    [TestCase("form", 1L, 75L)]
    [TestCase("auto:json", 3L, 25L)]
    [TestCase("auto:csv", 3L, 7L)]
    [TestCase("auto:yaml", 5L, 15L)]
    public async Task Invalid_utf8_is_400(string target, long? line, long? position)
    {
        var valid = Valid(Format(target));
        var at = IndexOf(valid, "Gad") + 3;
        var body = Format(target) == "form"
            ? [.. valid[..at], .. "%FF"u8, .. valid[at..]]
            : valid.ToArray();
        if (Format(target) != "form")
        {
            body[at] = 0xFF;
        }

        var problem = await RefusedAsync(_app, target, body, 400);

        Line(problem).Should().Be(line);
        Position(problem).Should().Be(position);
    }

    [TestCase("json", 2L, 21L)]
    [TestCase("json-document", 2L, 21L)]
    [TestCase("ndjson", 2L, 19L)]
    [TestCase("auto:json", 2L, 21L)]
    public async Task A_string_escaping_half_a_surrogate_pair_is_400(string target, long? line, long? position)
    {
        // Valid JSON syntax, but no text: such a string can neither be read nor written again.
        var body = Format(target) == "json"
            ? "{\"orders\": [\n  {\"id\": 1, \"name\": \"Wid\\ud800get\"}\n]}"
            : "{\"id\": 0}\n{\"id\": 1, \"name\": \"Wid\\ud800get\"}\n";

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        problem.GetProperty("detail").GetString().Should().Contain("surrogate");
        Line(problem).Should().Be(line);
        Position(problem).Should().Be(position);
    }

    [TestCase("json", 2L, 13L)]
    [TestCase("json-document", 2L, 13L)]
    [TestCase("ndjson", 2L, 24L)]
    [TestCase("auto:json", 2L, 13L)]
    public async Task An_object_naming_a_property_twice_is_400(string target, long? line, long? position)
    {
        // Valid JSON syntax, but no entity: a JSON object holds each name once.
        var body = Format(target) == "json"
            ? "{\"orders\": [\n  {\"id\": 1, \"id\": 2, \"name\": \"Widget\"}\n]}"
            : "{\"id\": 0}\n{\"id\": 1, \"name\": \"x\", \"id\": 2}\n";

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        problem.GetProperty("detail").GetString().Should().EndWith("an object names the property 'id' twice.");
        Line(problem).Should().Be(line);
        Position(problem).Should().Be(position);
    }

    [TestCase("json", 1L, 75L)]
    [TestCase("json-document", 1L, 75L)]
    [TestCase("ndjson", 1L, 65L)]
    [TestCase("xml", 1L, 199L)]
    [TestCase("xml-incremental", 1L, 199L)]
    [TestCase("yaml", 1L, 72L)]
    [TestCase("form", 1L, 1L)]
    [TestCase("auto:json", 1L, 75L)]
    [TestCase("auto:xml", 1L, 199L)]
    [TestCase("auto:yaml", 1L, 72L)]
    public async Task Deep_nesting_is_400(string target, long line, long position)
    {
        const int depth = 1_000;
        var body = Format(target) switch
        {
            "json" => "{\"orders\": " + new string('[', depth) + new string(']', depth) + "}",
            "ndjson" => new string('[', depth) + new string(']', depth) + "\n",
            "xml" => "<orders>" + string.Concat(Enumerable.Repeat("<a>", depth)) + string.Concat(Enumerable.Repeat("</a>", depth)) + "</orders>",
            "yaml" => "orders: " + new string('[', depth) + new string(']', depth) + "\n",
            "form" => "orders" + string.Concat(Enumerable.Repeat("[a]", depth)) + "=1",
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        Where(problem).Should().Be((line, position, null));
    }

    [TestCase("xml")]
    [TestCase("xml-incremental")]
    [TestCase("auto:xml")]
    public async Task An_element_with_more_attributes_than_the_limit_is_400_before_the_reader_spends_quadratic_time_on_it(string target)
    {
        // 200,000 attributes: the XML reader alone would take several seconds over them.
        var body = "<orders><order" + string.Concat(Enumerable.Range(0, 200_000).Select(i => $" a{i}=\"\"")) + "/></orders>";

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        problem.GetProperty("detail").GetString().Should().Contain($"more than {XmlParser.MaxAttributes:N0} '=' between two tags");
    }

    [TestCase("xml")]
    [TestCase("xml-incremental")]
    [TestCase("auto:xml")]
    public async Task A_dtd_with_an_external_entity_is_400_and_never_resolved(string target)
    {
        const string body = "<?xml version=\"1.0\"?>\n<!DOCTYPE orders [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<orders><order>&xxe;</order></orders>";

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        problem.GetProperty("detail").GetString().Should().Contain("DTD is prohibited").And.NotContain("root:");
        Where(problem).Should().Be((null, null, null), "the XML reader names no place for a DTD");
    }

    [TestCase("xml")]
    [TestCase("xml-incremental")]
    [TestCase("auto:xml")]
    public async Task An_external_dtd_reference_is_400(string target)
    {
        const string body = "<!DOCTYPE orders SYSTEM \"http://attacker.invalid/orders.dtd\">\n<orders><order/></orders>";

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        problem.GetProperty("detail").GetString().Should().Contain("DTD is prohibited");
        Where(problem).Should().Be((null, null, null), "the XML reader names no place for a DTD");
    }

    [TestCase("xml")]
    [TestCase("xml-incremental")]
    [TestCase("auto:xml")]
    public async Task Billion_laughs_is_400(string target)
    {
        var body = new StringBuilder("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol \"lol\">\n");
        for (var i = 1; i < 10; i++)
        {
            body.Append($"  <!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">\n");
        }

        body.Append("]>\n<orders><order>&lol9;</order></orders>");

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body.ToString()), 400);

        problem.GetProperty("detail").GetString().Should().Contain("DTD is prohibited");
    }

    [TestCase("yaml")]
    [TestCase("auto:yaml")]
    public async Task A_yaml_alias_bomb_is_400(string target)
    {
        var body = new StringBuilder("orders:\n  - a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
        for (var c = 'b'; c <= 'i'; c++)
        {
            var previous = (char)(c - 1);
            body.Append($"    {c}: &{c} [{string.Join(",", Enumerable.Repeat($"*{previous}", 9))}]\n");
        }

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body.ToString()), 400);

        problem.GetProperty("detail").GetString().Should().Contain(YamlParser.MaxNodes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Where(problem).Should().Be((7L, 12L, null));
    }

    [TestCase("yaml")]
    [TestCase("auto:yaml")]
    public async Task A_yaml_alias_to_its_own_node_is_400(string target)
    {
        var problem = await RefusedAsync(_app, target, "orders:\n  - &a [x, *a]\n"u8.ToArray(), 400);

        Where(problem).Should().Be((2L, 12L, null));
    }

    [TestCase("csv", "2,Gadget,extra", 10L)]
    [TestCase("csv", "2", 2L)]
    [TestCase("auto:csv", "2,Gadget,extra", 10L)]
    public async Task A_csv_row_with_a_wrong_column_count_is_400_naming_the_row(string target, string row, long position)
    {
        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes("id,name\n1,Widget\n" + row + "\n3,Gizmo\n"), 400);

        problem.GetProperty("detail").GetString().Should().StartWith("CSV row 2 (line 3) has ");
        Where(problem).Should().Be((3L, position, 2L));
    }

    [TestCase("json", 1L)]
    [TestCase("json-document", 1L)]
    [TestCase("ndjson", 20_001L)]
    [TestCase("xml", 1L)]
    [TestCase("xml-incremental", 1L)]
    [TestCase("csv", 20_002L)]
    [TestCase("yaml", 30_002L)]
    [TestCase("auto:json", 1L)]
    [TestCase("auto:xml", 1L)]
    public async Task A_large_body_that_fails_at_its_end_stores_none_of_the_items_before(string target, long line)
    {
        // Incremental XML reads a body over 1 MiB on its worker thread; the others read many buffers. A YAML
        // document holds at most YamlParser.MaxNodes nodes, five per item here.
        var numbers = Enumerable.Range(0, Format(target) == "yaml" ? 15_000 : 20_000);
        var body = Format(target) switch
        {
            "json" => "{\"orders\": [" + string.Join(",", numbers.Select(i => $"{{\"id\": {i}, \"name\": \"Widget number {i}\"}}")) + ", {\"id\": }]}",
            "ndjson" => string.Concat(numbers.Select(i => $"{{\"id\": {i}, \"name\": \"Widget number {i}\"}}\n")) + "{\"id\": }\n",
            "xml" => "<orders>" + string.Concat(numbers.Select(i => $"<order id=\"{i}\"><name>Widget number {i}</name></order>")) + "<order></orders>",
            "csv" => "id,name\n" + string.Concat(numbers.Select(i => $"{i},Widget number {i}\n")) + "x,\"y\"z\n",
            "yaml" => "orders:\n" + string.Concat(numbers.Select(i => $"  - id: {i}\n    name: Widget number {i}\n")) + "  - {id: 2]\n",
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };

        var problem = await RefusedAsync(_app, target, Encoding.UTF8.GetBytes(body), 400);

        Line(problem).Should().Be(line);
        if (Format(target) == "xml")
        {
            body.Length.Should().BeGreaterThan(1024 * 1024);
        }
    }

    [Test]
    public async Task The_binary_parser_takes_any_body_as_it_is()
    {
        byte[][] bodies =
        [
            [],
            [0xFF, 0xFE, 0x00, 0x80],
            "{\"orders\": [{\"id\": 1},"u8.ToArray(),
            "<!DOCTYPE orders [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]><orders>&xxe;</orders>"u8.ToArray(),
            Encoding.UTF8.GetBytes(new string('[', 10_000)),
        ];

        foreach (var body in bodies)
        {
            using var response = await PostAsync(_app, "binary", body);

            response.StatusCode.Should().Be(HttpStatusCode.OK);
        }

        var tasks = await _app.AllTasksAsync();
        tasks.Select(t => t.Entity.GetProperty("data").GetString()).Should().Equal(bodies.Select(Convert.ToBase64String));
        tasks.Select(t => t.Entity.GetProperty("size").GetInt32()).Should().Equal(bodies.Select(b => b.Length));
    }

    [Test]
    public async Task The_auto_parser_refuses_a_request_without_a_content_type_with_415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/webhook/auto") { Content = new ByteArrayContent(Valid("json")) };

        using var response = await _app.Client.SendAsync(request);

        var problem = await ProblemAsync(response, 415);
        problem.GetProperty("title").GetString().Should().Be("Unsupported media type");
        problem.GetProperty("detail").GetString().Should().Be($"The request has no content type; send one of: {string.Join(", ", AutoParser.AcceptedMediaTypes)}.");
        problem.GetProperty("webhook").GetString().Should().Be("auto");
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [TestCase("text/plain")]
    [TestCase("application/json-seq")]
    [TestCase("image/png")]
    public async Task The_auto_parser_refuses_another_content_type_with_415_naming_it(string contentType)
    {
        using var response = await SendAsync(_app, "auto", Valid("json"), contentType);

        var problem = await ProblemAsync(response, 415);
        problem.GetProperty("title").GetString().Should().Be("Unsupported media type");
        problem.GetProperty("detail").GetString().Should().StartWith($"The content type '{contentType}' is not supported; send one of: application/json, text/json, */*+json, ");
        (await _app.AllTasksAsync()).Should().BeEmpty();
    }

    [TestCase("json")]
    [TestCase("json-document")]
    [TestCase("ndjson")]
    [TestCase("xml")]
    [TestCase("xml-incremental")]
    [TestCase("csv")]
    [TestCase("yaml")]
    [TestCase("form")]
    [TestCase("binary")]
    [TestCase("auto")]
    public async Task Random_bytes_mutations_and_truncations_never_cause_a_server_error_or_a_partial_store(string webhook)
    {
        const int bodies = 300;
        var random = new Random(StableSeed(webhook));
        var accepted = new Dictionary<string, int>(StringComparer.Ordinal);
        string[] formats = webhook == "auto" ? ["json", "xml", "yaml", "form", "csv", "ndjson"] : [Format(webhook)];
        string?[] otherTypes = [null, "text/plain", "application/json-seq", "application/xml+zip"];
        for (var i = 0; i < bodies * 3; i++)
        {
            var format = formats[random.Next(formats.Length)];
            var valid = Valid(format);
            var kind = i % 3;
            var body = kind switch
            {
                0 => RandomBytes(random),
                1 => Mutate(random, valid),
                _ => valid[..random.Next(valid.Length)],
            };
            var contentType = webhook == "auto" && random.Next(8) == 0 ? otherTypes[random.Next(otherTypes.Length)] : ContentTypes[format];

            using var response = await SendAsync(_app, webhook, body, contentType);

            // Assertions are spelled out only on failure: the fluent ones are slow for thousands of requests.
            string What() => $"body {i} ({(kind == 0 ? "random" : kind == 1 ? "mutated" : "truncated")}, {format}, {contentType ?? "no content type"}): {Convert.ToBase64String(body)}";
            if ((int)response.StatusCode >= 500)
            {
                Assert.Fail($"{(int)response.StatusCode} for {What()}");
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                var result = await response.JsonAsync();
                accepted.Add(result.GetProperty("requestId").GetString()!, result.GetProperty("tasks").GetInt32());
                continue;
            }

            if (response.Content.Headers.ContentType?.MediaType != ProblemJson)
            {
                response.Content.Headers.ContentType?.MediaType.Should().Be(ProblemJson, What());
            }

            var stored = await StoredTasksByRequestAsync(_app);
            if (stored.Count != accepted.Count || stored.Any(pair => accepted.GetValueOrDefault(pair.Key) != pair.Value))
            {
                stored.Should().BeEquivalentTo(accepted, What());
            }
        }

        (await StoredTasksByRequestAsync(_app)).Should().BeEquivalentTo(accepted);
    }

    private static async Task<WebhookApp> StartAsync()
    {
        var recorded = new ConcurrentQueue<string>();
        return await WebhookApp.StartAsync(webhooks =>
        {
            webhooks.AddOutgoing("recording", outgoing => outgoing.Deliver((entity, _, _) =>
            {
                recorded.Enqueue(entity.ToJsonString());
                return ValueTask.FromResult(OutgoingResult.Success());
            }));
            Add(webhooks, "json", incoming => incoming.ParseJson().PatternToItems("orders"));
            Add(webhooks, "json-document", incoming => incoming.ParseJson());
            Add(webhooks, "ndjson", incoming => incoming.ParseNdjson());
            Add(webhooks, "xml", incoming => incoming.ParseXml(XmlReadMethod.WholeFile).PatternToItems("orders.order"));
            Add(webhooks, "xml-incremental", incoming => incoming.ParseXml(XmlReadMethod.Incremental).PatternToItems("orders.order"));
            Add(webhooks, "csv", incoming => incoming.ParseCsv());
            Add(webhooks, "yaml", incoming => incoming.ParseYaml().PatternToItems("orders"));
            Add(webhooks, "form", incoming => incoming.ParseForm().PatternToItems("orders.*"));
            Add(webhooks, "binary", incoming => incoming.ParseBinary());
            Add(webhooks, "auto", incoming => incoming.ParseAuto().PatternToItems("orders.*"));
        });
    }

    private static void Add(AlumioWebhooksBuilder webhooks, string name, Action<IncomingBuilder> incoming) => webhooks
        .AddIncoming(name, incoming)
        .AddWebhook(name, webhook => webhook.Incoming(name).RequireItems())
        .AddRoute("record-" + name, route => route.From(name).To("recording"));

    /// <summary>The format of a target's bodies: <c>auto:xml</c> is xml; <c>xml-incremental</c> is xml.</summary>
    private static string Format(string target) => target switch
    {
        _ when target.StartsWith("auto:", StringComparison.Ordinal) => target["auto:".Length..],
        "json-document" => "json",
        "xml-incremental" => "xml",
        _ => target,
    };

    private static string Webhook(string target) => target.StartsWith("auto:", StringComparison.Ordinal) ? "auto" : target;

    /// <summary>A body each parser accepts with two items (one for json-document and binary).</summary>
    private static byte[] Valid(string format) => format switch
    {
        "json" => "{\"orders\": [\n  {\"id\": 1, \"name\": \"Widget\"},\n  {\"id\": 2, \"name\": \"Gadget\"}\n]}\n"u8.ToArray(),
        "ndjson" => "{\"id\": 1, \"name\": \"Widget\"}\n{\"id\": 2, \"name\": \"Gadget\"}\n"u8.ToArray(),
        "xml" => "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<orders>\n  <order id=\"1\"><name>Widget</name></order>\n  <order id=\"2\"><name>Gadget</name></order>\n</orders>\n"u8.ToArray(),
        "csv" => "id,name\n1,Widget\n2,\"Gad,get\"\n"u8.ToArray(),
        "yaml" => "orders:\n  - id: 1\n    name: Widget\n  - id: 2\n    name: \"Gadget\"\n"u8.ToArray(),
        "form" => "orders[0][id]=1&orders[0][name]=Widget&orders[1][id]=2&orders[1][name]=Gad%2Cget"u8.ToArray(),
        "binary" => [0x00, 0x01, 0x7F, 0x80, 0xFE, 0xFF, (byte)'b', (byte)'i', (byte)'n'],
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    private static int IndexOf(byte[] body, string text) => body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text));

    private static int StableSeed(string webhook) => 20261130 + webhook.Sum(c => c);

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 256)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>Flips, inserts or deletes one to four bytes of a valid body.</summary>
    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        var edits = random.Next(1, 5);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(3))
            {
                case 0 when at < bytes.Count:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                default:
                    if (at < bytes.Count)
                    {
                        bytes.RemoveAt(at);
                    }

                    break;
            }
        }

        return [.. bytes];
    }

    /// <summary>Posts a body to a target with its format's content type.</summary>
    private static Task<HttpResponseMessage> PostAsync(WebhookApp app, string target, byte[] body) =>
        SendAsync(app, Webhook(target), body, ContentTypes[Format(target)]);

    private static async Task<HttpResponseMessage> SendAsync(WebhookApp app, string webhook, byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        return await app.Client.PostAsync("/api/v1/webhook/" + webhook, content);
    }

    private static async Task<JsonElement> RefusedAsync(WebhookApp app, string target, byte[] body, int status)
    {
        using var response = await PostAsync(app, target, body);

        var problem = await ProblemAsync(response, status);
        problem.GetProperty("webhook").GetString().Should().Be(Webhook(target));
        (await app.AllTasksAsync()).Should().BeEmpty();
        return problem;
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(status, text);
        response.Content.Headers.ContentType!.MediaType.Should().Be(ProblemJson);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        problem.GetProperty("status").GetInt32().Should().Be(status);
        return problem;
    }

    private static long? Line(JsonElement problem) => Property(problem, "line");

    private static long? Position(JsonElement problem) => Property(problem, "position");

    private static (long? Line, long? Position, long? Row) Where(JsonElement problem) =>
        (Property(problem, "line"), Property(problem, "position"), Property(problem, "row"));

    private static long? Property(JsonElement problem, string name) =>
        problem.TryGetProperty(name, out var value) ? value.GetInt64() : null;

    private static async Task<Dictionary<string, int>> StoredTasksByRequestAsync(WebhookApp app)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        Guid? after = null;
        do
        {
            var page = await app.Store.QueryAsync(new TaskQuery { Limit = TaskQuery.MaxLimit, After = after }, CancellationToken.None);
            foreach (var task in page.Items)
            {
                counts[task.RequestId] = counts.GetValueOrDefault(task.RequestId) + 1;
            }

            after = page.Next;
        }
        while (after is not null);

        return counts;
    }
}
