namespace Alumio.Webhooks.Parsing;

/// <summary>Settings of the <c>auto</c> parser, passed on to the parser it picks for a request.</summary>
public sealed record AutoParserOptions
{
    /// <summary>Gets how an XML body is read.</summary>
    /// <value>Defaults to <see cref="XmlReadMethod.WholeFile"/>.</value>
    public XmlReadMethod ReadMethod { get; init; } = XmlReadMethod.WholeFile;

    /// <summary>Gets the settings a CSV body is read with.</summary>
    /// <value>Defaults to the <c>csv</c> parser's defaults: comma, double quote, header row, UTF-8.</value>
    public CsvParserOptions Csv { get; init; } = new();
}
