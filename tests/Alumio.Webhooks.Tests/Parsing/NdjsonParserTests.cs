using System.Text;
using Alumio.Webhooks.Parsing;
using static Alumio.Webhooks.Tests.Parsing.ParserTestExtensions;

namespace Alumio.Webhooks.Tests.Parsing;

public class NdjsonParserTests
{
    private readonly NdjsonParser _parser = new();

    [Test]
    public async Task Each_line_is_one_document()
    {
        var documents = await _parser.ParseTextAsync("{\"id\":1,\"tags\":[\"a\"]}\n[1,2]\n\"text\"\n42\n");

        documents.ToJsonArray().Should().Be("""[{"id":1,"tags":["a"]},[1,2],"text",42]""");
    }

    [Test]
    public async Task Blank_lines_crlf_and_a_missing_last_line_feed_are_accepted()
    {
        var documents = await _parser.ParseTextAsync("\uFEFF{\"a\":1}\r\n\r\n  \t \n{\"b\":2}");

        documents.ToJsonArray().Should().Be("""[{"a":1},{"b":2}]""");
    }

    [TestCase("")]
    [TestCase("\n\n  \r\n", TestName = "{m}(blank lines)")]
    public async Task An_empty_body_holds_no_documents(string body)
    {
        var documents = await _parser.ParseTextAsync(body);

        documents.Should().BeEmpty();
    }

    [Test]
    public async Task A_malformed_line_is_named_with_the_position_within_it()
    {
        var act = () => _parser.ParseTextAsync("{\"a\":1}\n\n{\"b\": }\n{\"c\":3}\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(3);
        error.Position.Should().Be(7);
        error.Message.Should().StartWith("Line 3 is not valid JSON").And.NotContain("LineNumber");
    }

    [Test]
    public async Task Two_values_on_one_line_are_malformed()
    {
        var act = () => _parser.ParseTextAsync("{\"a\":1} {\"b\":2}\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(1);
        error.Position.Should().Be(9);
    }

    [Test]
    public async Task A_null_line_holds_no_entity()
    {
        var act = () => _parser.ParseTextAsync("{\"a\":1}\n  null\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
        error.Position.Should().Be(3);
        error.Message.Should().Contain("null");
    }

    [Test]
    public async Task A_truncated_last_line_is_malformed()
    {
        var act = () => _parser.ParseTextAsync("{\"a\":1}\n{\"b\":[1,");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
    }

    [Test]
    public async Task Invalid_utf8_is_malformed_with_line_and_position()
    {
        var body = Encoding.UTF8.GetBytes("{\"a\":1}\n{\"b\":\"x").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\"}\n")).ToArray();

        var act = () => _parser.ParseBytesAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
        error.Position.Should().BeInRange(7, 8);
    }

    [Test]
    public async Task A_string_escaping_half_a_surrogate_pair_is_malformed_with_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("{\"a\": \"\\uD83D\\uDE00\"}\n  {\"a\": \"x\\uDE00\"}\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Be("Line 2 is not valid JSON at position 9: a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text.");
        error.Line.Should().Be(2);
        error.Position.Should().Be(9);
    }

    [Test]
    public async Task An_object_naming_a_property_twice_is_malformed_with_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("{\"a\": 1}\n{\"a\": 1, \"a\": 2}\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Be("Line 2 is not valid JSON at position 10: an object names the property 'a' twice.");
        (error.Line, error.Position).Should().Be((2L, 10L));
    }

    [Test]
    public async Task Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = new string('[', NdjsonParser.MaxDepth + 1) + new string(']', NdjsonParser.MaxDepth + 1);

        var act = () => _parser.ParseTextAsync("[]\n" + deep + "\n");

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Line.Should().Be(2);
    }

    [Test]
    public async Task A_line_longer_than_the_limit_is_refused()
    {
        var body = new byte[NdjsonParser.MaxLineLength + 16];
        body.AsSpan().Fill((byte)' ');
        "[]\n"u8.CopyTo(body);

        var act = () => _parser.ParseBytesAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
        error.Message.Should().Contain("longer than");
    }

    [Test]
    public async Task The_first_document_is_yielded_before_the_body_has_been_read()
    {
        var lines = string.Concat(Enumerable.Range(1, 10_000).Select(i => $"{{\"id\":{i}}}\n"));
        var body = new ChunkedStream(Encoding.UTF8.GetBytes(lines));

        var first = await _parser.FirstDocumentAsync(body);

        first.ToJsonString().Should().Be(Json("""{"id":1}"""));
        body.BytesRead.Should().BeLessThan(body.TotalLength / 10);
    }
}
