using System.Text;
using Alumio.Webhooks.Parsing;
using static Alumio.Webhooks.Tests.Parsing.ParserTestExtensions;

namespace Alumio.Webhooks.Tests.Parsing;

public class YamlParserTests
{
    private readonly YamlParser _parser = new();

    [Test]
    public async Task Mappings_and_sequences_become_objects_and_arrays_of_strings()
    {
        const string yaml = """
            order:
              id: 7
              paid: true
              note: ~
              empty:
              price: 12.50
              lines:
                - sku: A-1
                  qty: 2
                - sku: "B: 2"
                  text: |
                    two
                    lines
            """;

        var json = await _parser.ParseSingleAsync(yaml);

        json.Should().Be(Json("""
            {"order":{"id":"7","paid":"true","note":"~","empty":"","price":"12.50",
              "lines":[{"sku":"A-1","qty":"2"},{"sku":"B: 2","text":"two\nlines"}]}}
            """));
    }

    [Test]
    public async Task Flow_style_and_quoted_scalars_are_read()
    {
        var json = await _parser.ParseSingleAsync("{a: [1, \"two\", 'three'], b: {c: null}}");

        json.Should().Be("""{"a":["1","two","three"],"b":{"c":"null"}}""");
    }

    [Test]
    public async Task Each_yaml_document_is_one_document_and_empty_ones_are_skipped()
    {
        const string yaml = "# orders\n---\nid: 1\n---\nid: 2\n...\n%YAML 1.2\n---\nid: 3\n---\n";

        var documents = await _parser.ParseTextAsync(yaml);

        documents.ToJsonArray().Should().Be("""[{"id":"1"},{"id":"2"},{"id":"3"}]""");
    }

    [Test]
    public async Task A_scalar_document_is_a_string()
    {
        var documents = await _parser.ParseTextAsync("--- hello\n--- 42\n");

        documents.ToJsonArray().Should().Be("""["hello","42"]""");
    }

    [TestCase("")]
    [TestCase("# only a comment\n", TestName = "{m}(comment alone)")]
    [TestCase("---\n", TestName = "{m}(empty document)")]
    public async Task An_empty_body_holds_no_documents(string body)
    {
        var documents = await _parser.ParseTextAsync(body);

        documents.Should().BeEmpty();
    }

    [Test]
    public async Task Aliases_are_expanded_into_copies()
    {
        var json = await _parser.ParseSingleAsync("base: &b {x: 1, y: [a]}\nname: &n Bob\ncopy: *b\nwho: *n\n");

        json.Should().Be("""{"base":{"x":"1","y":["a"]},"name":"Bob","copy":{"x":"1","y":["a"]},"who":"Bob"}""");
    }

    [Test]
    public async Task An_alias_bomb_is_refused()
    {
        const string bomb = """
            a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
            b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
            c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
            d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
            e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
            f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
            """;

        var act = () => _parser.ParseTextAsync(bomb);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Contain($"more than {YamlParser.MaxNodes} nodes");
        error.Line.Should().Be(6);
    }

    [Test]
    public async Task An_alias_to_a_node_that_contains_it_is_refused()
    {
        var act = () => _parser.ParseTextAsync("a: &a [1, *a]\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(1);
        error.Position.Should().Be(11);
    }

    [Test]
    public async Task An_alias_without_an_anchor_is_refused()
    {
        var act = () => _parser.ParseTextAsync("a: 1\nb: *nowhere\n");

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Line.Should().Be(2);
    }

    [Test]
    public async Task Nesting_deeper_than_the_limit_is_refused()
    {
        var deep = new string('[', YamlParser.MaxDepth + 1) + new string(']', YamlParser.MaxDepth + 1);

        var act = () => _parser.ParseTextAsync(deep);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Contain("deeper");
        error.Line.Should().Be(1);
        error.Position.Should().Be(YamlParser.MaxDepth + 1);
    }

    [Test]
    public async Task Nesting_at_the_limit_is_accepted()
    {
        var deep = new string('[', YamlParser.MaxDepth) + new string(']', YamlParser.MaxDepth);

        var documents = await _parser.ParseTextAsync(deep);

        documents.Should().ContainSingle();
    }

    [Test]
    public async Task A_mapping_as_key_is_refused()
    {
        var act = () => _parser.ParseTextAsync("ok: 1\n? [a, b]\n: 1\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
        error.Position.Should().Be(3);
        error.Message.Should().Contain("must be a scalar");
    }

    [Test]
    public async Task A_key_given_twice_is_refused()
    {
        var act = () => _parser.ParseTextAsync("a: 1\nb: 2\na: 3\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(3);
        error.Position.Should().Be(1);
        error.Message.Should().Contain("'a' twice");
    }

    [Test]
    public async Task Malformed_yaml_names_line_and_column_counted_over_the_whole_body()
    {
        var act = () => _parser.ParseTextAsync("a: 1\n---\nb: 2\n---\nc: d: e\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().StartWith("The body is not valid YAML at line 5, column 5: ").And.NotContain("Idx:");
        error.Line.Should().Be(5);
        error.Position.Should().Be(5);
    }

    [Test]
    public async Task An_unclosed_flow_sequence_is_malformed()
    {
        var act = () => _parser.ParseTextAsync("a: 1\n---\nb: 2\n---\nc: [1, 2\nd: 3\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().StartWith("The body is not valid YAML");
        error.Line.Should().Be(5);
    }

    [Test]
    public async Task A_bad_indentation_names_its_line()
    {
        var act = () => _parser.ParseTextAsync("a:\n  b: 1\n c: 2\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(3);
    }

    [Test]
    public async Task Invalid_utf8_is_refused_with_line_and_position()
    {
        byte[] body = [.. "a: 1\nb: x"u8, 0xFF, .. "\n"u8];

        var act = () => _parser.ParseBytesAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(2);
        error.Position.Should().Be(5);
    }

    [Test]
    public async Task A_truncated_document_is_malformed()
    {
        var act = () => _parser.ParseTextAsync("a: \"unterminated\n");

        await act.Should().ThrowAsync<WebhookParseException>();
    }

    [Test]
    public async Task The_first_document_is_yielded_before_the_body_has_been_read()
    {
        var yaml = string.Concat(Enumerable.Range(1, 10_000).Select(i => $"---\nid: {i}\n"));
        var body = new ChunkedStream(Encoding.UTF8.GetBytes(yaml));

        var first = await _parser.FirstDocumentAsync(body);

        first.ToJsonString().Should().Be("""{"id":"1"}""");
        body.BytesRead.Should().BeLessThan(body.TotalLength / 2);
    }
}

public class YamlLargeDocumentTests
{
    [Test]
    public async Task A_long_list_without_aliases_is_not_capped()
    {
        var yaml = "orders:\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"  - id: {i}\n    sku: S{i}\n"));

        var documents = await new YamlParser().ParseTextAsync(yaml);

        documents.Should().ContainSingle().Which["orders"]!.AsArray().Should().HaveCount(60_000);
    }
}
