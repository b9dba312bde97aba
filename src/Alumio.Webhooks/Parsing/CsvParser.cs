using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Splitting;
using nietras.SeparatedValues;

namespace Alumio.Webhooks.Parsing;

/// <summary>
/// Parses CSV (prototype <c>csv</c>): each data row becomes one document, a JSON object of strings,
/// yielded as soon as the row has been read.
/// </summary>
/// <remarks>
/// <para>
/// With a header row (the default) its values are the keys; without one the keys are the column
/// numbers <c>0</c>, <c>1</c>, .... Values are strings as written, an enclosed value without its
/// enclosures and with doubled enclosures made single; nothing is trimmed. Rows end with <c>\r\n</c>,
/// <c>\n</c> or <c>\r</c>; an enclosed value may span lines. Blank lines are skipped.
/// </para>
/// <para>
/// An empty body (or one of blank lines only) holds no documents and is not an error, nor is a
/// header row without data rows: there is simply nothing to deliver.
/// </para>
/// <para>
/// Refused, with the 1-based <see cref="WebhookParseException.Line"/> and
/// <see cref="WebhookParseException.Position"/> and, for data rows, the 1-based data
/// <see cref="WebhookParseException.Row"/>: a header naming a column twice; a row with another number
/// of columns than the header (or, without one, the first row); an enclosure that is never closed, one
/// followed by anything but a delimiter or the end of the row, and one inside a value that does not
/// start with it; text that is not valid in the <see cref="CsvParserOptions.Encoding"/>; a row longer
/// than 16 million characters. The body is read in chunks, never whole.
/// </para>
/// </remarks>
public sealed class CsvParser : IStreamingParser
{
    private const char Quote = '"';

    private readonly SepReaderOptions _sepOptions;

    /// <summary>Initializes a new instance of the <see cref="CsvParser"/> class.</summary>
    /// <param name="options">The settings; the defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public CsvParser(CsvParserOptions? options = null)
    {
        options ??= new CsvParserOptions();
        var problems = options.Problems().Select(p => $"{p.Setting} {p.Message}.").ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"Invalid CSV parser settings: {string.Join(" ", problems)}", nameof(options));
        }

        Options = options;
        _sepOptions = new SepReaderOptions(new Sep(options.SepDelimiter))
        {
            HasHeader = false,
            DisableColCountCheck = true,
            Unescape = false,
            CultureInfo = CultureInfo.InvariantCulture,
        };
    }

    /// <summary>Gets the settings.</summary>
    public CsvParserOptions Options { get; }

    /// <summary>Turns a data row, its values collected, into what the caller yields.</summary>
    private delegate T RowFactory<T>(RowValues values, RowState state);

    /// <inheritdoc />
    /// <remarks>Always: rows are written straight to UTF-8 JSON as they are read.</remarks>
    public bool StreamsItems => true;

    /// <inheritdoc />
    public IAsyncEnumerable<JsonNode> ParseAsync(Stream body, string? contentType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        return ReadRowsAsync<JsonNode>(body, (values, state) =>
        {
            var document = new JsonObject();
            for (var i = 0; i < state.Keys!.Length; i++)
            {
                document[state.Keys[i]] = values[i].ToString();
            }

            return document;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<ParsedItem> ReadItemsAsync(Stream body, string? contentType, ItemPattern? pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (pattern is not null)
        {
            return DocumentItems.ReadAsync(this, body, contentType, new PatternItemSplitter(pattern), cancellationToken);
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return ReadRowsAsync<ParsedItem>(body, (values, state) =>
        {
            state.EncodedKeys ??= state.Keys!.Select(key => JsonEncodedText.Encode(key, JavaScriptEncoder.UnsafeRelaxedJsonEscaping)).ToArray();
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
            writer.WriteStartObject();
            for (var i = 0; i < state.EncodedKeys.Length; i++)
            {
                writer.WriteString(state.EncodedKeys[i], values[i]);
            }

            writer.WriteEndObject();
            writer.Flush();
            return new ParsedItem(buffer.WrittenSpan.ToArray());
        }, cancellationToken);
    }

    private async IAsyncEnumerable<T> ReadRowsAsync<T>(Stream body, RowFactory<T> make, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var text = new BodyTextReader(body, Options.Encoding, Options.Enclosure);
        SepReader reader;
        try
        {
            reader = await _sepOptions.FromAsync(text, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsReaderFailure(exception))
        {
            text.Dispose();
            throw Wrap(exception, line: 1);
        }

        using (reader)
        {
            var state = new RowState();
            var values = new RowValues();
            while (true)
            {
                bool more;
                try
                {
                    more = await reader.MoveNextAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (IsReaderFailure(exception))
                {
                    throw Wrap(exception, state.NextLine);
                }

                if (!more)
                {
                    break;
                }

                if (Read(reader.Current, state, values))
                {
                    yield return make(values, state);
                }
            }
        }
    }

    private static bool IsReaderFailure(Exception exception) =>
        exception is NotSupportedException or InvalidDataException or ArgumentException or InvalidOperationException;

    /// <summary>Wraps a failure of the CSV reader, naming the line where the row it was reading starts.</summary>
    private static WebhookParseException Wrap(Exception exception, long line) =>
        exception is NotSupportedException
            ? new WebhookParseException($"The CSV has a row starting at line {line} that is longer than 16 million characters; an enclosure may never be closed.", line, 1, exception)
            : new WebhookParseException($"The CSV could not be read after line {line}: {exception.Message}", line, null, exception);

    /// <summary>Reads one row: the header or a blank line (false), or a data row whose values are collected (true).</summary>
    private bool Read(SepReader.Row row, RowState state, RowValues values)
    {
        // Rows follow each other, so a row starts on the line after the previous one ends; Sep's own
        // LineNumberFrom is not reliable for the first row when it reads without a header.
        var at = new RowAt(row, state.NextLine);
        state.NextLine = row.LineNumberToExcl;
        if (row.Span.IsEmpty)
        {
            return false;
        }

        if (state.Keys is null && Options.HasHeaderRow)
        {
            state.Keys = ReadHeader(at, values);
            return false;
        }

        state.DataRows++;
        state.Keys ??= Enumerable.Range(0, row.ColCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
        ReadRow(at, state.Keys, state.DataRows, values);
        return true;
    }

    private string[] ReadHeader(RowAt at, RowValues values)
    {
        var row = at.Row;
        Collect(at, dataRow: null, values);
        var keys = new string[row.ColCount];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = values[i].ToString();
            if (!seen.Add(keys[i]))
            {
                var (line, position) = Locate(at, row[i].Span);
                throw new WebhookParseException(
                    $"The CSV header names column '{keys[i]}' twice (line {line}, position {position}).", line, position);
            }
        }

        return keys;
    }

    private void ReadRow(RowAt at, string[] keys, long dataRow, RowValues values)
    {
        var row = at.Row;

        // Values first: an enclosure that is never closed also swallows the rest of the body, which is the clearer error.
        Collect(at, dataRow, values);
        if (values.Count != keys.Length)
        {
            var extra = values.Count > keys.Length ? row[keys.Length].Span : row.Span[row.Span.Length..];
            var (line, position) = Locate(at, extra);
            var expected = Options.HasHeaderRow ? "the header has" : "the first row has";
            throw new WebhookParseException(
                $"CSV row {dataRow} (line {at.FirstLine}) has {values.Count} columns, but {expected} {keys.Length}.", line, position)
            {
                Row = dataRow,
            };
        }
    }

    private void Collect(RowAt at, long? dataRow, RowValues values)
    {
        values.Clear();
        var row = at.Row;
        for (var i = 0; i < row.ColCount; i++)
        {
            AppendValue(at, row[i].Span, dataRow, values);
        }
    }

    /// <summary>Adds a raw column's value: enclosures checked and removed, the swapped enclosure restored.</summary>
    private void AppendValue(RowAt row, ReadOnlySpan<char> raw, long? dataRow, RowValues values)
    {
        var start = values.Begin();
        if (raw.IsEmpty || raw[0] != Quote)
        {
            var stray = raw.IndexOf(Quote);
            if (stray >= 0)
            {
                throw Malformed(row, raw[stray..], dataRow, "has an enclosure inside a value that does not start with one");
            }

            values.Append(raw);
        }
        else
        {
            var index = 1;
            while (true)
            {
                var next = raw[index..].IndexOf(Quote);
                if (next < 0)
                {
                    throw Malformed(row, raw, dataRow, "has an enclosure that is never closed");
                }

                values.Append(raw.Slice(index, next));
                index += next;
                if (index + 1 < raw.Length && raw[index + 1] == Quote)
                {
                    values.Append([Quote]);
                    index += 2;
                }
                else if (index == raw.Length - 1)
                {
                    break;
                }
                else
                {
                    throw Malformed(row, raw[(index + 1)..], dataRow, "has text after a closing enclosure; an enclosure inside an enclosed value must be doubled");
                }
            }
        }

        values.End(start);
        if (Options.Enclosure != Quote)
        {
            BodyTextReader.Swap(values.Last, Options.Enclosure);
        }
    }

    private static WebhookParseException Malformed(RowAt row, ReadOnlySpan<char> at, long? dataRow, string problem)
    {
        var (line, position) = Locate(row, at);
        var where = dataRow is null ? "The CSV header" : $"CSV row {dataRow}";
        return new WebhookParseException($"{where} {problem} (line {line}, position {position}).", line, position)
        {
            Row = dataRow,
        };
    }

    /// <summary>Finds the 1-based line and position of a slice of the row's text.</summary>
    private static (long Line, long Position) Locate(RowAt row, ReadOnlySpan<char> at)
    {
        var text = row.Row.Span;

        // Columns are slices of the row's text, so the distance between them is the column's offset.
        var distance = Unsafe.ByteOffset(ref MemoryMarshal.GetReference(text), ref MemoryMarshal.GetReference(at)) / sizeof(char);
        var offset = (int)Math.Clamp(distance, 0, text.Length);
        var line = row.FirstLine;
        var lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }

    /// <summary>A row and the 1-based line it starts on.</summary>
    private readonly ref struct RowAt(SepReader.Row row, long firstLine)
    {
        public SepReader.Row Row { get; } = row;

        public long FirstLine { get; } = firstLine;
    }

    private sealed class RowState
    {
        public string[]? Keys { get; set; }

        public JsonEncodedText[]? EncodedKeys { get; set; }

        public long NextLine { get; set; } = 1;

        public long DataRows { get; set; }
    }

    /// <summary>The values of the current row, in one reused character buffer.</summary>
    private sealed class RowValues
    {
        private readonly List<(int Start, int Length)> _columns = [];
        private char[] _chars = new char[1024];
        private int _length;

        public int Count => _columns.Count;

        public Span<char> Last => _chars.AsSpan(_columns[^1].Start, _columns[^1].Length);

        public ReadOnlySpan<char> this[int index] => _chars.AsSpan(_columns[index].Start, _columns[index].Length);

        public void Clear()
        {
            _columns.Clear();
            _length = 0;
        }

        public int Begin() => _length;

        public void Append(ReadOnlySpan<char> text)
        {
            if (_length + text.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _length + text.Length));
            }

            text.CopyTo(_chars.AsSpan(_length));
            _length += text.Length;
        }

        public void End(int start) => _columns.Add((start, _length - start));
    }
}
