using Alumio.Webhooks.Parsing;

namespace Alumio.Webhooks.Tests.Parsing;

public class JsonParserTests
{
    private readonly JsonParser _parser = new();

    [Test]
    public async Task Json_is_parsed_into_one_document()
    {
        var json = await _parser.ParseSingleAsync("""{ "orders": [ { "id": 1 }, { "id": 2 } ] }""");

        json.Should().Be("""{"orders":[{"id":1},{"id":2}]}""");
    }

    [Test]
    public async Task Malformed_json_fails_with_one_based_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("{\n  \"a\": 1,\n  \"b\": }");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(3);
        error.Position.Should().Be(8);
        error.Message.Should().StartWith("The body is not valid JSON").And.NotContain("LineNumber");
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("{\"a\": [1, 2")]
    [TestCase("\"unterminated")]
    public async Task Empty_or_truncated_json_is_malformed(string body)
    {
        var act = () => _parser.ParseTextAsync(body);

        await act.Should().ThrowAsync<WebhookParseException>();
    }

    [Test]
    public async Task Bytes_that_are_not_utf8_are_refused_with_line_and_position_not_replaced()
    {
        var body = "{\n  \"name\": \"Wid?get\"\n}"u8.ToArray();
        body[Array.IndexOf(body, (byte)'?')] = 0xFF;

        var act = () => _parser.ParseBytesAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Be("The body is not valid UTF-8: the byte 0xFF at line 2, position 15 does not start a valid character.");
        error.Line.Should().Be(2);
        error.Position.Should().Be(15);
    }

    [TestCase("\\ud800")]
    [TestCase("\\uDC00x")]
    [TestCase("x\\uD83D\\u0041")]
    public async Task A_string_escaping_half_a_surrogate_pair_is_refused_with_line_and_position(string escaped)
    {
        var act = () => _parser.ParseTextAsync("{\n  \"ok\": \"\\uD83D\\uDE00 \\\\ud800\",\n  \"name\": \"" + escaped + "\"\n}");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Be("The body is not valid JSON at line 3, position 11: a string escapes half a surrogate pair (\\uD800 to \\uDFFF without its other half), which is no text.");
        error.Line.Should().Be(3);
        error.Position.Should().Be(11);
    }

    [Test]
    public async Task A_property_name_escaping_half_a_surrogate_pair_is_refused()
    {
        var act = () => _parser.ParseTextAsync("{\"a\\uD800\": 1}");

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Position.Should().Be(2);
    }

    [Test]
    public async Task An_object_naming_a_property_twice_is_refused_with_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("{\n  \"orders\": [{\"id\": 1, \"id\": 2}]\n}");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Be("The body is not valid JSON at line 2, position 24: an object names the property 'id' twice.");
        (error.Line, error.Position).Should().Be((2L, 24L));
    }

    [Test]
    public async Task A_utf8_byte_order_mark_is_skipped()
    {
        var json = (await _parser.ParseBytesAsync([0xEF, 0xBB, 0xBF, .. "{\"a\": \"é\"}"u8])).ToJsonArray();

        json.Should().Be(ParserTestExtensions.Json("[{\"a\":\"é\"}]"));
    }

    [Test]
    public async Task The_null_literal_holds_no_entity()
    {
        var act = () => _parser.ParseTextAsync("null");

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain("null");
    }

    [Test]
    public async Task Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = new string('[', JsonParser.MaxDepth + 1) + new string(']', JsonParser.MaxDepth + 1);

        var act = () => _parser.ParseTextAsync(deep);

        await act.Should().ThrowAsync<WebhookParseException>();
    }
}
