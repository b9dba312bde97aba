using System.Text;
using Alumio.Webhooks.Parsing;
using static Alumio.Webhooks.Tests.Parsing.ParserTestExtensions;

namespace Alumio.Webhooks.Tests.Parsing;

public class CsvParserTests
{
    private readonly CsvParser _parser = new();

    [Test]
    public async Task Csv_rows_become_objects_keyed_by_the_header()
    {
        var documents = await _parser.ParseTextAsync("id,name,city\n1,Alice,Köln\n2,Bob,\n");

        documents.ToJsonArray().Should().Be(Json("""[{"id":"1","name":"Alice","city":"Köln"},{"id":"2","name":"Bob","city":""}]"""));
    }

    [Test]
    public async Task Enclosed_values_hold_delimiters_line_breaks_and_doubled_enclosures()
    {
        var documents = await _parser.ParseTextAsync("a,b,c\r\n\"x,y\",\"line 1\r\nline 2\",\"say \"\"hi\"\"\"\r\n\"\",  spaced  ,\"\"\"\"\r\n");

        documents.ToJsonArray().Should().Be(Json("""[{"a":"x,y","b":"line 1\r\nline 2","c":"say \"hi\""},{"a":"","b":"  spaced  ","c":"\""}]"""));
    }

    [Test]
    public async Task Without_a_header_row_the_keys_are_column_numbers()
    {
        var parser = new CsvParser(new CsvParserOptions { HasHeaderRow = false });

        var documents = await parser.ParseTextAsync("1,Alice\n2,Bob");

        documents.ToJsonArray().Should().Be(Json("""[{"0":"1","1":"Alice"},{"0":"2","1":"Bob"}]"""));
    }

    [Test]
    public async Task Delimiter_and_enclosure_can_be_other_characters()
    {
        var parser = new CsvParser(new CsvParserOptions { Delimiter = ';', Enclosure = '\'', Escape = '\'' });

        var documents = await parser.ParseTextAsync("a;b\n'x;y';'it''s \"quoted\"'\nplain \"double\";2\n");

        documents.ToJsonArray().Should().Be(Json("""[{"a":"x;y","b":"it's \"quoted\""},{"a":"plain \"double\"","b":"2"}]"""));
    }

    [Test]
    public async Task A_tab_can_be_the_delimiter()
    {
        var parser = new CsvParser(new CsvParserOptions { Delimiter = '\t' });

        var json = await parser.ParseSingleAsync("a\tb\n1,5\t\"2\"\n");

        json.Should().Be(Json("""{"a":"1,5","b":"2"}"""));
    }

    [Test]
    public async Task Blank_lines_are_skipped_and_rows_counted_without_them()
    {
        var act = () => _parser.ParseTextAsync("a,b\n\n1,2\n\n\n3\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(2);
        error.Line.Should().Be(6);
    }

    [Test]
    public async Task Other_encodings_are_decoded()
    {
        var latin1 = new CsvParser(new CsvParserOptions { Encoding = Encoding.Latin1 });
        var utf16 = new CsvParser(new CsvParserOptions { Encoding = Encoding.Unicode });

        var fromLatin1 = await latin1.ParseBytesAsync(Encoding.Latin1.GetBytes("name\nJosé\n"));
        var fromUtf16 = await utf16.ParseBytesAsync([.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("name\nJosé\n")]);

        fromLatin1.ToJsonArray().Should().Be(Json("""[{"name":"José"}]"""));
        fromUtf16.ToJsonArray().Should().Be(Json("""[{"name":"José"}]"""));
    }

    [Test]
    public async Task A_utf8_byte_order_mark_is_not_part_of_the_first_key()
    {
        var json = await _parser.ParseSingleAsync("\uFEFFid\n7\n");

        json.Should().Be("""{"id":"7"}""");
    }

    [TestCase("")]
    [TestCase("\n\r\n", TestName = "{m}(blank lines)")]
    [TestCase("id,name\n", TestName = "{m}(header alone)")]
    public async Task An_empty_body_or_a_header_alone_holds_no_documents(string body)
    {
        var documents = await _parser.ParseTextAsync(body);

        documents.Should().BeEmpty();
    }

    [Test]
    public async Task A_row_with_too_many_columns_names_row_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("a,b\n1,2\n3,4,5\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(2);
        error.Line.Should().Be(3);
        error.Position.Should().Be(5);
        error.Message.Should().Be("CSV row 2 (line 3) has 3 columns, but the header has 2.");
    }

    [Test]
    public async Task A_row_with_too_few_columns_names_row_line_and_position()
    {
        var act = () => _parser.ParseTextAsync("a,b\n12\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(1);
        error.Line.Should().Be(2);
        error.Position.Should().Be(3);
    }

    [Test]
    public async Task Without_a_header_rows_must_match_the_first_row()
    {
        var parser = new CsvParser(new CsvParserOptions { HasHeaderRow = false });

        var act = () => parser.ParseTextAsync("1,2\n3\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(2);
        error.Message.Should().Contain("the first row has 2");
    }

    [Test]
    public async Task A_header_naming_a_column_twice_is_refused()
    {
        var act = () => _parser.ParseTextAsync("a,b,a\n1,2,3\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(1);
        error.Position.Should().Be(5);
        error.Row.Should().BeNull();
        error.Message.Should().Contain("'a' twice");
    }

    [Test]
    public async Task An_enclosure_that_is_never_closed_is_named_where_it_opens()
    {
        var act = () => _parser.ParseTextAsync("a,b\n1,2\n3,\"open\n4,5\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(2);
        error.Line.Should().Be(3);
        error.Position.Should().Be(3);
        error.Message.Should().Contain("never closed");
    }

    [Test]
    public async Task Text_after_a_closing_enclosure_is_refused_on_the_right_line_of_a_multi_line_row()
    {
        var act = () => _parser.ParseTextAsync("a,b\n\"x\ny\"z,1\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(1);
        error.Line.Should().Be(3);
        error.Position.Should().Be(3);
    }

    [Test]
    public async Task An_enclosure_inside_an_unenclosed_value_is_refused()
    {
        var act = () => _parser.ParseTextAsync("a,b\nx,ab\"c\"\n");

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Row.Should().Be(1);
        error.Line.Should().Be(2);
        error.Position.Should().Be(5);
    }

    [Test]
    public async Task Invalid_utf8_is_refused_with_line_and_position()
    {
        byte[] body = [.. "a,b\n1,2\n3,x"u8, 0xC3, 0x28, .. "\n"u8];

        var act = () => _parser.ParseBytesAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Line.Should().Be(3);
        error.Position.Should().Be(4);
        error.Message.Should().StartWith("The body is not valid UTF-8");
    }

    [Test]
    public async Task A_truncated_multi_byte_character_at_the_end_is_refused()
    {
        byte[] body = [.. "a\n"u8, 0xE2, 0x82];

        var act = () => _parser.ParseBytesAsync(body);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Line.Should().Be(2);
    }

    [Test]
    public async Task Bytes_outside_ascii_are_refused_when_the_encoding_is_ascii()
    {
        var parser = new CsvParser(new CsvParserOptions { Encoding = Encoding.ASCII });

        var act = () => parser.ParseBytesAsync([.. "a\n"u8, 0xE9]);

        (await act.Should().ThrowAsync<WebhookParseException>()).Which.Message.Should().Be("The body is not valid us-ascii text: the byte(s) 0xE9 at byte 3 of the body cannot be decoded.");
    }

    [Test]
    public async Task A_row_too_long_to_be_one_is_refused()
    {
        var body = new byte[17 * 1024 * 1024];
        body.AsSpan().Fill((byte)'x');
        "a\n\""u8.CopyTo(body);

        var act = () => _parser.ParseBytesAsync(body);

        var error = (await act.Should().ThrowAsync<WebhookParseException>()).Which;
        error.Message.Should().Contain("longer than");
        error.Line.Should().Be(2);
    }

    [Test]
    public void An_escape_other_than_the_enclosure_is_refused_naming_the_setting()
    {
        var act = () => new CsvParser(new CsvParserOptions { Escape = '\\' });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("Escape '\\' is not supported");
    }

    [Test]
    public void An_escape_equal_to_the_enclosure_is_the_default()
    {
        var act = () => new CsvParser(new CsvParserOptions { Escape = '"' });

        act.Should().NotThrow();
    }

    [TestCase('"', "Delimiter may not be the same as the Enclosure")]
    [TestCase('#', "Delimiter '#' is not supported")]
    [TestCase('é', "Delimiter 'é' is not supported")]
    public void A_delimiter_the_reader_cannot_use_is_refused(char delimiter, string message)
    {
        var act = () => new CsvParser(new CsvParserOptions { Delimiter = delimiter });

        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(message);
    }

    [Test]
    public async Task The_first_row_is_yielded_before_the_body_has_been_read()
    {
        var rows = "id,name\n" + string.Concat(Enumerable.Range(1, 10_000).Select(i => $"{i},name {i}\n"));
        var body = new ChunkedStream(Encoding.UTF8.GetBytes(rows));

        var first = await new CsvParser().FirstDocumentAsync(body);

        first.ToJsonString().Should().Be("""{"id":"1","name":"name 1"}""");
        body.BytesRead.Should().BeLessThan(body.TotalLength / 2);
    }
}
