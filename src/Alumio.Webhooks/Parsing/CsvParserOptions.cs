using System.Text;

namespace Alumio.Webhooks.Parsing;

/// <summary>Settings of the <c>csv</c> parser.</summary>
public sealed record CsvParserOptions
{
    /// <summary>Gets the character between the values of a row.</summary>
    /// <value>
    /// Default <c>,</c>. A tab, a space or a printable ASCII character other than the
    /// <see cref="Enclosure"/> and <c>#</c>; <c>"</c> only when the enclosure is another character.
    /// </value>
    public char Delimiter { get; init; } = ',';

    /// <summary>Gets the character that encloses a value holding delimiters, line breaks or enclosures.</summary>
    /// <value>Default <c>"</c>. Any character other than the delimiter and a line break.</value>
    public char Enclosure { get; init; } = '"';

    /// <summary>Gets the character that escapes an enclosure inside an enclosed value.</summary>
    /// <value>
    /// Default <see langword="null"/>, which means the <see cref="Enclosure"/> itself: an enclosure
    /// inside an enclosed value is written twice (<c>"a ""quoted"" word"</c>), as RFC 4180 says. No
    /// other escape character is supported; setting one is refused.
    /// </value>
    public char? Escape { get; init; }

    /// <summary>Gets a value indicating whether the first row names the columns.</summary>
    /// <value>
    /// Default <see langword="true"/>: its values are the keys of every row's object. Without it the
    /// keys are the column numbers <c>0</c>, <c>1</c>, ...
    /// </value>
    public bool HasHeaderRow { get; init; } = true;

    /// <summary>Gets the encoding of the body.</summary>
    /// <value>
    /// Default UTF-8. In configuration, a name that <see cref="Encoding.GetEncoding(string)"/> knows
    /// without a code pages provider: <c>utf-8</c>, <c>utf-16</c> (<c>utf-16BE</c>), <c>utf-32</c>,
    /// <c>us-ascii</c>, <c>iso-8859-1</c>.
    /// </value>
    public Encoding Encoding { get; init; } = Encoding.UTF8;

    /// <summary>Lists what is wrong with these settings, by setting name.</summary>
    /// <returns>The problems; empty when the settings are valid.</returns>
    internal IEnumerable<(string Setting, string Message)> Problems()
    {
        if (Enclosure is '\r' or '\n')
        {
            yield return (nameof(Enclosure), "may not be a line break");
        }

        if (Delimiter == Enclosure)
        {
            yield return (nameof(Delimiter), $"may not be the same as the Enclosure ('{Enclosure}')");
        }
        else if (!IsSupportedDelimiter(SepDelimiter))
        {
            yield return (nameof(Delimiter), $"'{Printable(Delimiter)}' is not supported; use a tab, a space or a printable ASCII character other than '#' and '\"'");
        }

        if (Escape is { } escape && escape != Enclosure)
        {
            yield return (nameof(Escape), $"'{Printable(escape)}' is not supported: only a doubled Enclosure ({Enclosure}{Enclosure}) escapes an Enclosure inside a value, so leave Escape unset or set it to the Enclosure");
        }

        if (Encoding is null)
        {
            yield return (nameof(Encoding), "is required");
        }
    }

    /// <summary>Gets the delimiter as the CSV reader sees it, after the enclosure is swapped with <c>"</c>.</summary>
    internal char SepDelimiter => Delimiter == '"' ? Enclosure : Delimiter;

    private static bool IsSupportedDelimiter(char delimiter) =>
        delimiter == '\t' || (delimiter is >= ' ' and <= '~' && delimiter is not '#' and not '"');

    private static string Printable(char c) => c switch
    {
        '\t' => "\\t",
        '\r' => "\\r",
        '\n' => "\\n",
        _ when char.IsControl(c) => $"\\u{(int)c:X4}",
        _ => c.ToString(),
    };
}
