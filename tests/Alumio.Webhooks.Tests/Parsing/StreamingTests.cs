using System.Text;
using System.Text.Json;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tests.Support;

namespace Alumio.Webhooks.Tests.Parsing;

/// <summary>Streaming "pattern to items" must give exactly what parsing whole and splitting gives.</summary>
public class StreamingTests
{
    private static readonly string[] JsonDocuments =
    [
        """{"orders":[{"id":1,"lines":[{"sku":"a"},{"sku":"b"}]},{"id":2,"lines":[]},null,{"id":3}]}""",
        """{"data":{"a":{"id":1},"b":[1,2,{"x":null}],"c":"text"},"other":{"orders":[9]}}""",
        """[{"id":1},{"id":2},[{"id":3}],"four",5.50,true,null]""",
        """{"a.b":{"c":[{"k":1}]},"a":{"b":{"c":{"k":2}}},"weird key \" \\u0041":{"v":1}}""",
        """{"items":[[1,2],[3,[4,5]],{"orders":{"id":"x"}}],"orders":{"id":"single"}}""",
        """{"deep":{"deep":{"deep":{"deep":{"value":"\u00e9\ud83d\ude00"}}}}}""",
        """42""",
        """{}""",
    ];

    private static readonly string[] JsonPatterns =
    [
        "orders", "orders.*", "orders.*.lines", "orders.1", "orders.*.id", "data.*", "*", "*.*", "a\\.b.c", "a.b.c",
        "items.*", "items.1.1", "items.*.orders", "deep.deep.deep.deep", "weird key \" A", "missing", "orders.id", "[do]*",
    ];

    [Test]
    public async Task Streaming_json_items_equal_parsing_whole_and_splitting([Values(1, 7, 4096)] int chunk)
    {
        foreach (var document in JsonDocuments)
        {
            foreach (var text in JsonPatterns)
            {
                var pattern = ItemPattern.Parse(text);
                var expected = await WholeAsync(new JsonParser(), document, pattern);

                var streamed = await StreamAsync(new JsonParser(), document, pattern, chunk);

                streamed.Should().Equal(expected, $"pattern '{text}' on {document} in chunks of {chunk}");
            }
        }
    }

    [Test]
    public async Task Streamed_json_without_a_pattern_is_the_whole_document([Values(1, 4096)] int chunk)
    {
        foreach (var document in JsonDocuments)
        {
            var expected = await WholeAsync(new JsonParser(), document, null);

            var streamed = await StreamAsync(new JsonParser(), document, null, chunk);

            streamed.Should().Equal(expected, document);
        }
    }

    [Test]
    public async Task Streamed_ndjson_lines_equal_parsed_lines([Values(1, 5, 4096)] int chunk)
    {
        var body = string.Join("\r\n", JsonDocuments.Where(d => d != "42")) + "\n\n  \n\"last\"";
        foreach (var text in new[] { null, "orders", "*", "data.*" })
        {
            var pattern = text is null ? null : ItemPattern.Parse(text);
            var expected = await WholeAsync(new NdjsonParser(), body, pattern);

            var streamed = await StreamAsync(new NdjsonParser(), body, pattern, chunk);

            streamed.Should().Equal(expected, $"pattern '{text}'");
        }
    }

    [Test]
    public async Task Streamed_csv_rows_equal_parsed_rows([Values(1, 7, 4096)] int chunk)
    {
        var body = "id;name;note\r\n1;'Jan; Piet';'say ''hi'''\r\n\r\n2;\"quoted\";\u00e9\u00e8\r\n3;;";
        var options = new CsvParserOptions { Delimiter = ';', Enclosure = '\'' };
        foreach (var text in new[] { null, "name" })
        {
            var pattern = text is null ? null : ItemPattern.Parse(text);
            var expected = await WholeAsync(new CsvParser(options), body, pattern);

            var streamed = await StreamAsync(new CsvParser(options), body, pattern, chunk);

            streamed.Should().Equal(expected, $"pattern '{text}'");
            expected.Should().HaveCount(3, "three data rows, each with a name");
        }
    }

    [TestCase("{\"a\":1}\n{\"b\":}\n", 2L, 6L)]
    [TestCase("{\"a\":1}\nnull\n", 2L, 1L)]
    [TestCase("{\"a\":1} 2\n", 1L, 9L)]
    public async Task Streamed_ndjson_errors_name_the_line_and_position(string body, long line, long position)
    {
        var act = () => StreamAsync(new NdjsonParser(), body, null, 3);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(line);
        error.Position.Should().Be(position);
    }

    [Test]
    public async Task Streaming_xml_items_equal_parsing_whole_and_splitting([Values(1, 13, 4096)] int chunk, [Values] bool throughTheWorkerThread)
    {
        // A body over the threshold is parsed on a worker thread fed in chunks; a tiny threshold sends these there too.
        var threshold = throughTheWorkerThread ? 16 : SyncReadPump.DefaultThreshold;
        string[] documents =
        [
            """<shipments><shipment id="1"><orderId>7</orderId></shipment><shipment id="2"><orderId>8</orderId><lines><line>a</line><line>b</line></lines></shipment></shipments>""",
            """<shipments><shipment><orderId>7</orderId></shipment><note>x</note></shipments>""",
            """<?xml version="1.0"?><!-- c --><root xmlns:ns="urn:x"><ns:item ns:id="1">one<b/></ns:item><ns:item>two</ns:item><other><item>no</item></other></root>""",
            """<a><b><c><d>deep</d><d>deeper</d></c></b><e/></a>""",
            """<empty/>""",
            "<shipments><shipment>" + string.Concat(Enumerable.Range(0, 20).Select(i => "<a>" + string.Concat(Enumerable.Range(0, 20).Select(j => $"<x{j % 3}>{i}.{j}</x{j % 3}><y{j}/>")) + $"</a><b{i % 5}>{i}</b{i % 5}>")) + "</shipment></shipments>",
            """<shipments><shipment>x<b>y</b>z<c>w<d>q</d>r</c>v</shipment><shipment> <![CDATA[<raw>]]> </shipment></shipments>""",
            "<shipments><shipment>" + string.Concat(Enumerable.Range(0, 40).Select(i => $"<f{i % 7}>{i}</f{i % 7}><g{i}>x</g{i}>")) + "<f0 a=\"1\"><z>1</z><z>2</z></f0>tail</shipment></shipments>",
        ];
        string[] patterns = ["shipments.shipment", "shipments.*", "root.ns:item", "root.*", "a.b.c.d", "a.b", "empty", "nothing.here", "shipments.ship*"];

        foreach (var document in documents)
        {
            foreach (var text in patterns)
            {
                var pattern = ItemPattern.Parse(text);
                var expected = await WholeAsync(new XmlParser(), document, pattern);

                var streamed = await StreamAsync(new XmlParser(XmlReadMethod.Incremental) { PumpThreshold = threshold }, document, pattern, chunk);

                streamed.Should().Equal(expected, $"pattern '{text}' on {document} in chunks of {chunk}");
            }
        }
    }

    [Test]
    public async Task The_first_json_item_arrives_before_the_body_is_read_to_the_end()
    {
        var body = Encoding.UTF8.GetBytes("{\"orders\":[" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"{{\"id\":{i},\"note\":\"{new string('x', 40)}\"}}")) + "]}");
        var stream = new TrickleStream(body, 4096);

        await using var items = new JsonParser().ReadItemsAsync(stream, null, ItemPattern.Parse("orders"), CancellationToken.None).GetAsyncEnumerator();
        (await items.MoveNextAsync()).Should().BeTrue();

        JsonDocument.Parse(items.Current.Utf8).RootElement.GetProperty("id").GetInt32().Should().Be(0);
        stream.BytesRead.Should().BeLessThan(body.Length / 10);
    }

    [Test]
    public async Task The_first_xml_item_arrives_before_the_body_is_read_to_the_end()
    {
        // Incremental XML reads up to 1 MiB ahead before its first item, then streams on a worker thread fed in chunks.
        var body = Encoding.UTF8.GetBytes("<shipments>" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"<shipment><id>{i}</id><note>{new string('x', 40)}</note></shipment>")) + "</shipments>");
        var stream = new TrickleStream(body, 4096);

        await using var items = new XmlParser(XmlReadMethod.Incremental).ReadItemsAsync(stream, null, ItemPattern.Parse("shipments.shipment"), CancellationToken.None).GetAsyncEnumerator();
        (await items.MoveNextAsync()).Should().BeTrue();

        JsonDocument.Parse(items.Current.Utf8).RootElement.GetProperty("id").GetString().Should().Be("0");
        stream.BytesRead.Should().BeLessThan(body.Length / 2);
    }

    [Test]
    public async Task A_large_xml_body_that_fails_to_arrive_fails_the_read_with_the_body_error()
    {
        var body = new ChunkedStream(LargeXml(), 8192, failAfter: 3 * 1024 * 1024);

        var act = async () =>
        {
            await foreach (var item in new XmlParser(XmlReadMethod.Incremental).ReadItemsAsync(body, null, ItemPattern.Parse("shipments.shipment"), CancellationToken.None))
            {
                GC.KeepAlive(item);
            }
        };

        (await act.Should().ThrowAsync<IOException>()).Which.Message.Should().Be("The connection was reset.");
    }

    [Test]
    public async Task A_large_xml_read_stops_when_cancelled_and_when_the_caller_stops_early()
    {
        var body = LargeXml();
        using var cancel = new CancellationTokenSource();
        var cancelled = async () =>
        {
            await foreach (var item in new XmlParser(XmlReadMethod.Incremental).ReadItemsAsync(new ChunkedStream(body, 4096), null, ItemPattern.Parse("shipments.shipment"), cancel.Token))
            {
                await cancel.CancelAsync();
            }
        };

        await cancelled.Should().ThrowAsync<OperationCanceledException>();

        var stream = new ChunkedStream(body, 4096);
        await using (var items = new XmlParser(XmlReadMethod.Incremental).ReadItemsAsync(stream, null, ItemPattern.Parse("shipments.shipment"), CancellationToken.None).GetAsyncEnumerator())
        {
            (await items.MoveNextAsync()).Should().BeTrue();
        }

        // Disposing stopped the feeder and the worker: the rest of the body was never read.
        var readWhenStopped = stream.BytesRead;
        await Task.Delay(100);
        stream.BytesRead.Should().Be(readWhenStopped).And.BeLessThan(body.Length);
    }

    [Test]
    public async Task A_large_xml_body_over_a_threshold_smaller_than_a_chunk_reads_every_item([Values(16, 100_000)] int threshold)
    {
        var parser = new XmlParser(XmlReadMethod.Incremental) { PumpThreshold = threshold };
        var ids = new List<string>();

        await foreach (var item in parser.ReadItemsAsync(new ChunkedStream(LargeXml(), 8192), null, ItemPattern.Parse("shipments.shipment"), CancellationToken.None))
        {
            ids.Add(JsonDocument.Parse(item.Utf8).RootElement.GetProperty("id").GetString()!);
        }

        ids.Should().Equal(Enumerable.Range(0, 100_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private static byte[] LargeXml() =>
        Encoding.UTF8.GetBytes("<shipments>" + string.Concat(Enumerable.Range(0, 100_000).Select(i => $"<shipment><id>{i}</id><note>{new string('x', 40)}</note></shipment>")) + "</shipments>");

    [TestCase("{\"orders\":[{\"id\":1},{\"id\":2}", null)]
    [TestCase("{\"orders\":[{\"id\":1},\n{\"id\":2,}]}", 2L)]
    [TestCase("{\"orders\":[{\"id\":1}]} trailing", 1L)]
    [TestCase("", 1L)]
    [TestCase("   ", null)]
    [TestCase("null", 1L)]
    public async Task Streamed_json_errors_are_parse_errors_with_a_line(string body, long? line)
    {
        var act = () => StreamAsync(new JsonParser(), body, ItemPattern.Parse("orders"), 3);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        if (line is not null)
        {
            error.Line.Should().Be(line);
        }
    }

    [Test]
    public async Task A_streamed_json_item_escaping_half_a_surrogate_pair_is_refused()
    {
        var act = () => StreamAsync(new JsonParser(), "{\"orders\":[{\"id\":\"\\uD83D\\uDE00\"},{\"id\":\"\\ud800\"}],\"skipped\":\"\\udc00\"}", ItemPattern.Parse("orders"), 3);
        var skipped = await StreamAsync(new JsonParser(), "{\"orders\":[{\"id\":\"\\uD83D\\uDE00\"}],\"skipped\":\"\\udc00\"}", ItemPattern.Parse("orders"), 3);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain("half a surrogate pair");
        skipped.Should().Equal("{\"id\":\"\\uD83D\\uDE00\"}");
    }

    [Test]
    public async Task A_streamed_json_item_naming_a_property_twice_is_refused()
    {
        var act = () => StreamAsync(new JsonParser(), "{\"orders\":[{\"id\":1,\"lines\":[{\"sku\":\"a\"}]},{\"id\":2,\"lines\":[{\"sku\":\"a\",\"sku\":\"b\"}]}]}", ItemPattern.Parse("orders"), 3);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Be("The body is not valid JSON at line 1, position 71: an object names the property 'sku' twice.");
    }

    [Test]
    public async Task Streamed_json_errors_are_located_like_whole_document_errors([Values(1, 7, 4096)] int chunk)
    {
        var lines = Enumerable.Range(0, 300).Select(i => $"  {{\"id\": {i}, \"note\": \"line {i}\"}},").ToList();
        lines[250] = "  {\"id\": 250, \"id\": 251},";
        var body = "{\"orders\": [\n" + string.Join("\n", lines) + "\n  {}\n]}";

        var whole = await FluentActions.Awaiting(() => WholeAsync(new JsonParser(), body, null)).Should().ThrowAsync<WebhookParseException>();
        var streamed = await FluentActions.Awaiting(() => StreamAsync(new JsonParser(), body, ItemPattern.Parse("orders"), chunk)).Should().ThrowAsync<WebhookParseException>();

        streamed.Which.Line.Should().Be(252).And.Be(whole.Which.Line);
        streamed.Which.Position.Should().Be(whole.Which.Position);
    }

    [TestCase("*.id")]
    [TestCase("orders")]
    public async Task A_streamed_json_key_that_is_not_text_is_a_parse_error(string pattern)
    {
        var act = () => StreamAsync(new JsonParser(), "{\"\\ud800\":{\"id\":1}}", ItemPattern.Parse(pattern), 4096);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Line.Should().Be(1);
    }

    [Test]
    public async Task A_large_whole_json_document_arriving_in_small_chunks_is_read_once()
    {
        var body = "{\"orders\":[" + string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"{{\"id\":{i}}}")) + "]}";

        var items = await StreamAsync(new JsonParser(), body, null, 512);

        items.Should().ContainSingle().Which.Length.Should().Be(body.Length);
    }

    [Test]
    public async Task Streamed_json_nesting_is_limited()
    {
        var deep = "{\"orders\":" + new string('[', JsonParser.MaxDepth + 1) + new string(']', JsonParser.MaxDepth + 1) + "}";

        var act = () => StreamAsync(new JsonParser(), deep, ItemPattern.Parse("orders"), 4096);

        await act.Should().ThrowAsync<WebhookParseException>();
    }

    [TestCase("<shipments><shipment><id>1</id></shipment><shipment><id>2</shipment></shipments>", 1L)]
    [TestCase("<shipments><shipment><id>1</id></shipment>", 1L)]
    [TestCase("<shipments/><second/>", 1L)]
    public async Task Streamed_xml_errors_are_parse_errors_with_a_line(string body, long line)
    {
        var act = () => StreamAsync(new XmlParser(XmlReadMethod.Incremental), body, ItemPattern.Parse("shipments.shipment"), 5);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Line.Should().Be(line);
    }

    [Test]
    public async Task Streamed_xml_refuses_a_dtd()
    {
        var act = () => StreamAsync(new XmlParser(XmlReadMethod.Incremental), "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><shipments>&e;</shipments>", ItemPattern.Parse("shipments"), 5);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain("DTD");
    }

    [Test]
    public async Task Streamed_xml_nesting_is_limited_in_subtrees_off_the_pattern_too()
    {
        // Nothing of the subtree is kept, but the reader's own state grows with its depth.
        var deep = "<shipments><note>" + string.Concat(Enumerable.Repeat("<a>", XmlParser.MaxDepth)) + string.Concat(Enumerable.Repeat("</a>", XmlParser.MaxDepth)) + "</note><shipment/></shipments>";
        var deepEnough = "<shipments><note>" + string.Concat(Enumerable.Repeat("<a>", XmlParser.MaxDepth - 2)) + string.Concat(Enumerable.Repeat("</a>", XmlParser.MaxDepth - 2)) + "</note><shipment><id>1</id></shipment></shipments>";

        var act = () => StreamAsync(new XmlParser(XmlReadMethod.Incremental), deep, ItemPattern.Parse("shipments.shipment"), 4096);
        var items = await StreamAsync(new XmlParser(XmlReadMethod.Incremental), deepEnough, ItemPattern.Parse("shipments.shipment"), 4096);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Contain("deeper");
        error.Position.Should().Be(18 + ((XmlParser.MaxDepth - 2) * 3) + 1);
        items.Should().Equal("{\"id\":\"1\"}");
    }

    [Test]
    public async Task Incremental_xml_mixed_content_with_many_interruptions_is_read_in_linear_space()
    {
        var body = "<shipments><shipment>" + string.Concat(Enumerable.Range(0, 50_000).Select(_ => "x<b>y</b>")) + "</shipment></shipments>";

        var items = await StreamAsync(new XmlParser(XmlReadMethod.Incremental), body, ItemPattern.Parse("shipments.shipment"), 4096);

        var item = JsonDocument.Parse(items.Single()).RootElement;
        item.GetProperty("#text").GetString().Should().HaveLength(50_000);
        item.GetProperty("b").GetArrayLength().Should().Be(50_000);
    }

    [Test]
    public async Task Incremental_xml_addresses_elements_by_name_along_the_path()
    {
        const string document = """<shipments><shipment><lines><line>a</line></lines></shipment><shipment><lines><line>b</line><line>c</line></lines></shipment></shipments>""";

        var streamed = await StreamAsync(new XmlParser(XmlReadMethod.Incremental), document, ItemPattern.Parse("shipments.shipment.lines.line"), 4096);

        streamed.Should().Equal("\"a\"", "\"b\"", "\"c\"");
    }

    [Test]
    public async Task Each_streamed_json_item_carries_what_the_wildcard_keys_matched([Values(1, 4096)] int chunk)
    {
        const string document = """{"orders":{"a":{"lines":[{"s":1},{"s":2}]},"b":{"lines":[{"s":3}]}},"other":[{"s":4}]}""";

        var lines = await StreamAsync(new JsonParser(), document, ItemPattern.Parse("orders.*.lines.*"), chunk);
        var arrays = await StreamAsync(new JsonParser(), document, ItemPattern.Parse("orders.?.lines"), chunk);

        lines.Should().Equal("""{"s":1} $a $0""", """{"s":2} $a $1""", """{"s":3} $b $0""");
        arrays.Should().Equal("""{"s":1} $a""", """{"s":2} $a""", """{"s":3} $b""");
    }

    [Test]
    public async Task Incremental_xml_captures_the_names_of_the_elements_a_wildcard_key_matched()
    {
        const string document = """<orders><order_a><id>1</id></order_a><note>x</note><order_b><id>2</id></order_b></orders>""";

        var streamed = await StreamAsync(new XmlParser(XmlReadMethod.Incremental), document, ItemPattern.Parse("orders.order_*"), 4096);

        streamed.Should().Equal("""{"id":"1"} $order_a""", """{"id":"2"} $order_b""");
    }

    [Test]
    public async Task Ndjson_items_carry_the_captures_of_their_line([Values(1, 4096)] int chunk)
    {
        const string body = "{\"lines\":[{\"a\":1},{\"a\":2}]}\n{\"lines\":[{\"a\":3}]}";

        var streamed = await StreamAsync(new NdjsonParser(), body, ItemPattern.Parse("lines.*"), chunk);

        streamed.Should().Equal("""{"a":1} $0""", """{"a":2} $1""", """{"a":3} $0""");
    }

    private static async Task<List<string>> WholeAsync(IParser parser, string document, ItemPattern? pattern)
    {
        var splitter = new PatternItemSplitter(pattern);
        var items = new List<string>();
        await foreach (var parsed in parser.ParseAsync(new MemoryStream(Encoding.UTF8.GetBytes(document)), null, CancellationToken.None))
        {
            items.AddRange(splitter.SplitMatches(parsed).Select(match => WithCaptures(match.Node!.ToJsonString(), match.Captures)));
        }

        return items;
    }

    private static async Task<List<string>> StreamAsync(IStreamingParser parser, string document, ItemPattern? pattern, int chunk)
    {
        var items = new List<string>();
        await foreach (var item in parser.ReadItemsAsync(new TrickleStream(Encoding.UTF8.GetBytes(document), chunk), null, pattern, CancellationToken.None))
        {
            items.Add(WithCaptures(JsonSerializer.Serialize(JsonDocument.Parse(item.Utf8).RootElement), item.Captures));
        }

        return items;
    }

    /// <summary>An item as compared: its JSON, and after it what the pattern's wildcard keys matched.</summary>
    private static string WithCaptures(string json, IReadOnlyList<string> captures) =>
        captures.Count == 0 ? json : json + " $" + string.Join(" $", captures);
}
