using System.Text;
using System.Text.Json;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Tests.Support;
using static Alumio.Webhooks.Tests.Parsing.ParserTestExtensions;

namespace Alumio.Webhooks.Tests.Parsing;

public class AutoParserTests
{
    private readonly AutoParser _parser = new();

    // In these bodies '|' stands for a line break, which test case arguments may not hold.
    [TestCase("application/json", """{"a":1,"b":[true]}""", """[{"a":1,"b":[true]}]""")]
    [TestCase("text/json", """{"a":1,"b":[true]}""", """[{"a":1,"b":[true]}]""")]
    [TestCase("application/vnd.api+json", """{"a":1,"b":[true]}""", """[{"a":1,"b":[true]}]""")]
    [TestCase("application/problem+json", """{"a":1,"b":[true]}""", """[{"a":1,"b":[true]}]""")]
    [TestCase("application/x-ndjson", """{"a":1}|{"a":2}""", """[{"a":1},{"a":2}]""")]
    [TestCase("application/jsonl", """{"a":1}|{"a":2}""", """[{"a":1},{"a":2}]""")]
    [TestCase("application/x-jsonlines", """{"a":1}|{"a":2}""", """[{"a":1},{"a":2}]""")]
    [TestCase("application/xml", """<a id="7"><b>1</b><b>2</b></a>""", """[{"a":{"@id":"7","b":["1","2"]}}]""")]
    [TestCase("text/xml", """<a id="7"><b>1</b><b>2</b></a>""", """[{"a":{"@id":"7","b":["1","2"]}}]""")]
    [TestCase("application/atom+xml", """<a id="7"><b>1</b><b>2</b></a>""", """[{"a":{"@id":"7","b":["1","2"]}}]""")]
    [TestCase("text/csv", "id,name|1,Alice|2,Bob", """[{"id":"1","name":"Alice"},{"id":"2","name":"Bob"}]""")]
    [TestCase("application/csv", "id,name|1,Alice|2,Bob", """[{"id":"1","name":"Alice"},{"id":"2","name":"Bob"}]""")]
    [TestCase("application/yaml", "a: 1|b: [x, y]", """[{"a":"1","b":["x","y"]}]""")]
    [TestCase("application/x-yaml", "a: 1|b: [x, y]", """[{"a":"1","b":["x","y"]}]""")]
    [TestCase("text/yaml", "a: 1|b: [x, y]", """[{"a":"1","b":["x","y"]}]""")]
    [TestCase("text/x-yaml", "a: 1|b: [x, y]", """[{"a":"1","b":["x","y"]}]""")]
    [TestCase("application/x-www-form-urlencoded", "a=1&b[]=x&b[]=y+z", """[{"a":"1","b":["x","y z"]}]""")]
    [TestCase("application/octet-stream", "hi", """[{"contentType":"application/octet-stream","size":2,"data":"aGk="}]""")]
    public async Task Each_media_type_is_read_by_its_parser(string contentType, string body, string expected)
    {
        var documents = await _parser.ParseBytesAsync(Encoding.UTF8.GetBytes(body.Replace('|', '\n')), contentType);

        documents.ToJsonArray().Should().Be(Json(expected));
    }

    [TestCase("Application/JSON; charset=utf-8", """[{"a":1}]""")]
    [TestCase("application/json;charset=\"UTF-8\"", """[{"a":1}]""")]
    [TestCase("  text/json  ;  q=1", """[{"a":1}]""")]
    [TestCase("APPLICATION/VND.EXAMPLE+JSON; version=2", """[{"a":1}]""")]
    [TestCase("Application/X-YAML; charset=utf-8", """[{"a":"1"}]""")]
    public async Task Parameters_and_case_of_the_content_type_are_ignored(string contentType, string expected)
    {
        var documents = await _parser.ParseBytesAsync("""{"a":1}"""u8.ToArray(), contentType);

        documents.ToJsonArray().Should().Be(Json(expected));
    }

    [Test]
    public async Task The_binary_document_keeps_the_content_type_as_sent()
    {
        var json = (await _parser.ParseBytesAsync([1, 2, 255], "Application/Octet-Stream; name=x.bin")).ToJsonArray();

        json.Should().Be(Json("""[{"contentType":"Application/Octet-Stream; name=x.bin","size":3,"data":"AQL/"}]"""));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("text/plain")]
    [TestCase("application/json-seq")]
    [TestCase("application/jsonx")]
    [TestCase("multipart/form-data; boundary=x")]
    [TestCase("json")]
    [TestCase("+json")]
    [TestCase("application/+json")]
    [TestCase("/vnd+json")]
    [TestCase("application/vnd+json/x")]
    [TestCase("application/xml+zip")]
    public void A_missing_or_unknown_content_type_is_refused_before_the_body_is_read(string? contentType)
    {
        var body = new MemoryStream("""{"a":1}"""u8.ToArray());

        var act = () => _parser.ParseAsync(body, contentType, CancellationToken.None);

        var error = act.Should().Throw<UnsupportedContentTypeException>().Which;
        error.ContentType.Should().Be(contentType);
        error.AcceptedMediaTypes.Should().Equal(AutoParser.AcceptedMediaTypes);
        body.Position.Should().Be(0);
    }

    [Test]
    public void The_refusal_names_the_content_type_and_every_accepted_media_type()
    {
        var unknown = new UnsupportedContentTypeException("text/plain; charset=utf-8", AutoParser.AcceptedMediaTypes);
        var missing = new UnsupportedContentTypeException(null, AutoParser.AcceptedMediaTypes);

        unknown.Message.Should().Be(
            "The content type 'text/plain; charset=utf-8' is not supported; send one of: application/json, text/json, */*+json, "
            + "application/x-ndjson, application/jsonl, application/x-jsonlines, application/xml, text/xml, */*+xml, text/csv, application/csv, "
            + "application/yaml, application/x-yaml, text/yaml, text/x-yaml, application/x-www-form-urlencoded, application/octet-stream.");
        missing.Message.Should().StartWith("The request has no content type; send one of: application/json, ");
    }

    [Test]
    public void A_long_content_type_is_cut_short_in_the_message_but_kept_whole()
    {
        var contentType = "text/" + new string('x', 1000);

        var error = new UnsupportedContentTypeException(contentType, AutoParser.AcceptedMediaTypes);

        error.ContentType.Should().Be(contentType);
        error.Message.Should().Contain("'text/" + new string('x', 195) + "...'").And.NotContain(new string('x', 196));
    }

    [Test]
    public async Task Csv_settings_and_the_xml_read_method_are_passed_on()
    {
        var parser = new AutoParser(new AutoParserOptions
        {
            ReadMethod = XmlReadMethod.Incremental,
            Csv = new CsvParserOptions { Delimiter = ';', HasHeaderRow = false },
        });

        var csv = await parser.ParseBytesAsync("1;Alice\n2;Bob"u8.ToArray(), "text/csv");

        csv.ToJsonArray().Should().Be(Json("""[{"0":"1","1":"Alice"},{"0":"2","1":"Bob"}]"""));
        parser.Choose("text/xml").Should().BeOfType<XmlParser>().Which.ReadMethod.Should().Be(XmlReadMethod.Incremental);
        new AutoParser().Choose("text/xml").Should().BeOfType<XmlParser>().Which.ReadMethod.Should().Be(XmlReadMethod.WholeFile);
    }

    [Test]
    public void Invalid_csv_settings_are_refused()
    {
        var act = () => new AutoParser(new AutoParserOptions { Csv = new CsvParserOptions { Delimiter = '"' } });

        act.Should().Throw<ArgumentException>().WithMessage("Invalid CSV parser settings: Delimiter*");
    }

    [Test]
    public void It_streams_items_whatever_the_format()
    {
        _parser.StreamsItems.Should().BeTrue();
    }

    [Test]
    public async Task A_json_body_streams_through_auto_item_by_item()
    {
        var body = Encoding.UTF8.GetBytes("{\"orders\":[" + string.Join(",", Enumerable.Range(0, 20_000).Select(i => $"{{\"id\":{i},\"note\":\"{new string('x', 40)}\"}}")) + "]}");
        var stream = new TrickleStream(body, 4096);

        await using var items = _parser.ReadItemsAsync(stream, "application/json; charset=utf-8", ItemPattern.Parse("orders"), CancellationToken.None).GetAsyncEnumerator();
        (await items.MoveNextAsync()).Should().BeTrue();

        JsonDocument.Parse(items.Current.Utf8).RootElement.GetProperty("id").GetInt32().Should().Be(0);
        stream.BytesRead.Should().BeLessThan(body.Length / 10);
    }

    [Test]
    public async Task A_streamed_json_body_yields_every_item_as_its_json()
    {
        var items = await ReadItemsAsync(_parser, """{"orders":[{"id":1},{"id":2,"tags":["a"]}],"other":{"id":3}}""", "application/json", "orders");

        items.Should().Equal("""{"id":1}""", """{"id":2,"tags":["a"]}""");
    }

    [Test]
    public async Task An_incremental_xml_body_streams_through_auto()
    {
        var parser = new AutoParser(new AutoParserOptions { ReadMethod = XmlReadMethod.Incremental });

        var items = await ReadItemsAsync(parser, """<orders><order id="1"/><order id="2"><line>x</line></order></orders>""", "text/xml", "orders.order");

        items.Should().Equal("""{"@id":"1"}""", """{"@id":"2","line":"x"}""");
    }

    [TestCase("application/xml", """<orders><order id="1"/><order id="2"><line>x</line></order></orders>""", "orders.order", """{"@id":"1"}""", """{"@id":"2","line":"x"}""")]
    [TestCase("application/yaml", "orders:|  - id: 1|  - id: 2|    line: x", "orders", """{"id":"1"}""", """{"id":"2","line":"x"}""")]
    [TestCase("application/x-www-form-urlencoded", "orders[][id]=1&orders[][id]=2", "orders", """{"id":"1"}""", """{"id":"2"}""")]
    [TestCase("application/x-ndjson", """{"orders":[{"id":1}]}|{"orders":{"id":2}}""", "orders", """{"id":1}""", """{"id":2}""")]
    [TestCase("text/csv", "id,kind|1,a|2,b", "kind", "\"a\"", "\"b\"")]
    public async Task Formats_that_do_not_stream_are_parsed_and_split_by_the_pattern(string contentType, string body, string pattern, string first, string second)
    {
        var items = await ReadItemsAsync(_parser, body.Replace('|', '\n'), contentType, pattern);

        items.Should().Equal(first, second);
    }

    [Test]
    public void Reading_items_with_an_unknown_content_type_is_refused_before_the_body_is_read()
    {
        var body = new MemoryStream("x"u8.ToArray());

        var act = () => _parser.ReadItemsAsync(body, "text/plain", ItemPattern.Parse("a"), CancellationToken.None);

        act.Should().Throw<UnsupportedContentTypeException>().Which.ContentType.Should().Be("text/plain");
        body.Position.Should().Be(0);
    }

    [Test]
    public async Task Parse_errors_of_the_chosen_parser_come_through_unchanged()
    {
        var act = () => _parser.ParseBytesAsync("a,b\n1,2,3\n"u8.ToArray(), "text/csv");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(1);
        error.Line.Should().Be(2);
    }

    private static async Task<List<string>> ReadItemsAsync(IStreamingParser parser, string body, string contentType, string pattern)
    {
        var items = new List<string>();
        await foreach (var item in parser.ReadItemsAsync(new TrickleStream(Encoding.UTF8.GetBytes(body), 7), contentType, ItemPattern.Parse(pattern), CancellationToken.None))
        {
            items.Add(Encoding.UTF8.GetString(item.Utf8.Span));
        }

        return items;
    }
}
