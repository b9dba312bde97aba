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
