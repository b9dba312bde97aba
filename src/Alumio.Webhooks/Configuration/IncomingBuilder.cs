using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Configuration;

/// <summary>Declares an incoming in code.</summary>
public sealed class IncomingBuilder
{
    private readonly IncomingDefinition _definition;

    internal IncomingBuilder(IncomingDefinition definition) => _definition = definition;

    /// <summary>Parses bodies as JSON (the <c>json</c> parser).</summary>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseJson() => Parse(new JsonParser());

    /// <summary>Parses bodies as XML (the <c>xml</c> parser).</summary>
    /// <param name="readMethod">How the body is read.</param>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseXml(XmlReadMethod readMethod = XmlReadMethod.WholeFile) => Parse(new XmlParser(readMethod));

    /// <summary>Parses bodies as XML (the <c>xml</c> parser) with namespace handling and always-array paths.</summary>
    /// <param name="options">The parser's options.</param>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseXml(XmlParserOptions options) => Parse(new XmlParser(options));

    /// <summary>Parses bodies as newline-delimited JSON, one document per line (the <c>ndjson</c> parser).</summary>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseNdjson() => Parse(new NdjsonParser());

    /// <summary>Parses bodies as CSV, one document per data row (the <c>csv</c> parser).</summary>
    /// <param name="options">The settings; the defaults (comma, double quote, header row, UTF-8) when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <remarks>Invalid settings are listed with the other errors at start-up.</remarks>
    public IncomingBuilder ParseCsv(CsvParserOptions? options = null)
    {
        _definition.Parser = Recipe.FromCode<IParser>($"incoming '{_definition.Identifier}' parser", _ => new CsvParser(options));
        return this;
    }

    /// <summary>Parses bodies as YAML, one document per YAML document (the <c>yaml</c> parser).</summary>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseYaml() => Parse(new YamlParser());

    /// <summary>Parses <c>application/x-www-form-urlencoded</c> bodies (the <c>form</c> parser).</summary>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseForm() => Parse(new FormParser());

    /// <summary>Takes bodies as they are, in base64 (the <c>binary</c> parser).</summary>
    /// <returns>This builder.</returns>
    public IncomingBuilder ParseBinary() => Parse(new BinaryParser());

    /// <summary>
    /// Parses each body by its request's content type (the <c>auto</c> parser): JSON, NDJSON, XML, CSV,
    /// YAML, form or binary; other content types are refused with <c>415</c>.
    /// </summary>
    /// <param name="options">The settings; the defaults (XML read whole, default CSV settings) when <see langword="null"/>.</param>
    /// <returns>This builder.</returns>
    /// <remarks>Invalid settings are listed with the other errors at start-up.</remarks>
    public IncomingBuilder ParseAuto(AutoParserOptions? options = null)
    {
        _definition.Parser = Recipe.FromCode<IParser>($"incoming '{_definition.Identifier}' parser", _ => new AutoParser(options));
        return this;
    }

    /// <summary>Parses bodies with a parser of your own.</summary>
    /// <param name="parser">The parser.</param>
    /// <returns>This builder.</returns>
    public IncomingBuilder Parse(IParser parser)
    {
        ArgumentNullException.ThrowIfNull(parser);
        _definition.Parser = Recipe.FromCode<IParser>($"incoming '{_definition.Identifier}' parser", _ => parser);
        return this;
    }

    /// <summary>Splits each document into items by an Alumio pattern such as <c>shipments.shipment</c>.</summary>
    /// <param name="pattern">The pattern; compiled and checked at start-up.</param>
    /// <returns>This builder.</returns>
    public IncomingBuilder PatternToItems(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        _definition.Pattern = pattern;
        _definition.Splitter = null;
        return this;
    }

    /// <summary>Splits each document with a splitter of your own.</summary>
    /// <param name="splitter">The splitter.</param>
    /// <returns>This builder.</returns>
    public IncomingBuilder SplitWith(IItemSplitter splitter)
    {
        ArgumentNullException.ThrowIfNull(splitter);
        _definition.Pattern = null;
        _definition.Splitter = Recipe.FromCode<IItemSplitter>($"incoming '{_definition.Identifier}' splitter", _ => splitter);
        return this;
    }
}
