using System.Text;
using Alumio.Webhooks.Parsing;
using static Alumio.Webhooks.Tests.Parsing.ParserTestExtensions;

namespace Alumio.Webhooks.Tests.Parsing;

public class FormParserTests
{
    private readonly FormParser _parser = new();

    [Test]
    public async Task Form_pairs_become_one_object_of_decoded_strings()
    {
        var json = await _parser.ParseSingleAsync("name=Alice+Smith&city=K%C3%B6ln&empty=&flag&&note=50%25+off%21");

        json.Should().Be(Json("""{"name":"Alice Smith","city":"Köln","empty":"","flag":"","note":"50% off!"}"""));
    }

    [Test]
    public async Task A_repeated_key_becomes_an_array()
    {
        var json = await _parser.ParseSingleAsync("tag=a&tag=b&other=x&tag=c");

        json.Should().Be("""{"tag":["a","b","c"],"other":"x"}""");
    }

    [Test]
    public async Task Brackets_build_objects_and_arrays()
    {
        var json = await _parser.ParseSingleAsync("a[b]=1&a[c]=2&l[]=1&l[]=2&n[x][y]=z&items[][sku]=A&items[][sku]=B&e%5Bk%5D=v");

        json.Should().Be("""{"a":{"b":"1","c":"2"},"l":["1","2"],"n":{"x":{"y":"z"}},"items":[{"sku":"A"},{"sku":"B"}],"e":{"k":"v"}}""");
    }

    [Test]
    public async Task Numbers_in_brackets_are_object_keys()
    {
        var json = await _parser.ParseSingleAsync("a[0]=x&a[1]=y");

        json.Should().Be("""{"a":{"0":"x","1":"y"}}""");
    }

    [Test]
    public async Task An_empty_body_is_an_empty_object()
    {
        var json = await _parser.ParseSingleAsync(string.Empty);

        json.Should().Be("{}");
    }

    [TestCase("a=1&a[b]=2", 5, "'a[b]' conflicts with an earlier key: 'a' is already a value")]
    [TestCase("a[b]=1&a=2", 8, "'a' conflicts with an earlier key: 'a' already holds structure")]
    [TestCase("a[b]=1&a[]=2", 8, "'a[]' conflicts with an earlier key: 'a' is already an object")]
    [TestCase("a[]=1&a[b]=2", 7, "'a[b]' conflicts with an earlier key: 'a' is already a list")]
    [TestCase("a[b][c]=1&a[b]=2", 11, "'a[b]' conflicts with an earlier key: 'a[b]' already holds structure")]
    public async Task Keys_that_give_one_name_two_shapes_are_refused(string body, int position, string message)
    {
        var act = () => _parser.ParseTextAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(1);
        error.Position.Should().Be(position);
        error.Message.Should().Contain(message);
    }

    [TestCase("a=1&b=%zz", 7)]
    [TestCase("a=1&b=%4", 7)]
    [TestCase("a%=1", 2)]
    public async Task An_invalid_percent_encoding_is_refused_with_its_position(string body, int position)
    {
        var act = () => _parser.ParseTextAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Position.Should().Be(position);
        error.Message.Should().Contain("percent-encoding");
    }

    [Test]
    public async Task Bytes_that_are_not_utf8_once_decoded_are_refused()
    {
        var act = () => _parser.ParseTextAsync("ok=1&a=x%FFy");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Position.Should().Be(9);
        error.Message.Should().Contain("UTF-8");
    }

    [Test]
    public async Task Raw_invalid_utf8_bytes_are_refused()
    {
        var act = () => _parser.ParseBytesAsync([.. "a="u8, 0xC3]);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Position.Should().Be(3);
    }

    [TestCase("=1")]
    [TestCase("[a]=1")]
    [TestCase("a[b=1")]
    [TestCase("a[b]c=1")]
    [TestCase("a[b[c]]=1")]
    public async Task Malformed_keys_are_refused(string body)
    {
        var act = () => _parser.ParseTextAsync(body);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Position.Should().Be(1);
    }

    [Test]
    public async Task More_keys_than_the_limit_are_refused()
    {
        var body = string.Join('&', Enumerable.Range(0, FormParser.MaxKeys + 1).Select(i => $"k{i}=v"));

        var act = () => _parser.ParseTextAsync(body);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain($"more than {FormParser.MaxKeys} keys");
    }

    [Test]
    public async Task The_limit_of_keys_itself_is_accepted()
    {
        var body = string.Join('&', Enumerable.Range(0, FormParser.MaxKeys).Select(i => $"k{i}=v"));

        var documents = await _parser.ParseTextAsync(body);

        documents.Should().ContainSingle().Which.AsObject().Count.Should().Be(FormParser.MaxKeys);
    }

    [Test]
    public async Task Nesting_deeper_than_the_limit_is_refused()
    {
        var body = "a" + string.Concat(Enumerable.Repeat("[x]", FormParser.MaxDepth)) + "=1";

        var act = () => _parser.ParseTextAsync(body);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Contain("deeper");
    }

    [Test]
    public async Task A_body_read_in_small_chunks_gives_the_same_document()
    {
        var body = "first=" + new string('x', 5000) + "&list[]=K%C3%B6ln&list[]=2&last=%F0%9F%98%80";
        var stream = new ChunkedStream(Encoding.UTF8.GetBytes(body), chunkSize: 7);

        var document = await _parser.FirstDocumentAsync(stream);

        document["list"]!.ToJsonString().Should().Be(Json("""["Köln","2"]"""));
        document["last"]!.GetValue<string>().Should().Be("😀");
        document["first"]!.GetValue<string>().Should().HaveLength(5000);
    }
}
