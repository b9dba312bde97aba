using System.Text;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Transformation;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Configuration;

/// <summary>The prototypes every host has.</summary>
internal static class BuiltInPrototypes
{
    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static void Register(AlumioWebhooksSetup setup)
    {
        setup.ValidatorPrototypes.TryAdd("header", ValidatorPrototypes.CreateHeader);
        setup.ValidatorPrototypes.TryAdd("query", ValidatorPrototypes.CreateQuery);
        setup.ValidatorPrototypes.TryAdd("basic", ValidatorPrototypes.CreateBasic);
        setup.ValidatorPrototypes.TryAdd("bearer", ValidatorPrototypes.CreateBearer);
        setup.ValidatorPrototypes.TryAdd("ip", ValidatorPrototypes.CreateIp);
        setup.ValidatorPrototypes.TryAdd("hmac", ValidatorPrototypes.CreateHmac);
        setup.ValidatorPrototypes.TryAdd("github", ValidatorPrototypes.CreateGitHub);
        setup.ValidatorPrototypes.TryAdd("shopify", ValidatorPrototypes.CreateShopify);
        setup.ValidatorPrototypes.TryAdd("stripe", ValidatorPrototypes.CreateStripe);
        setup.ValidatorPrototypes.TryAdd("slack", ValidatorPrototypes.CreateSlack);
        setup.ValidatorPrototypes.TryAdd("standard-webhooks", ValidatorPrototypes.CreateStandardWebhooks);

        setup.ParserPrototypes.TryAdd("json", _ => new JsonParser());
        setup.ParserPrototypes.TryAdd("xml", context => new XmlParser(new XmlParserOptions
        {
            ReadMethod = context.GetEnum("ReadMethod", XmlReadMethod.WholeFile),
            Namespaces = context.GetEnum("Namespaces", XmlNamespaceHandling.Keep),
            AlwaysArray = context.GetStrings("AlwaysArray"),
        }));
        setup.ParserPrototypes.TryAdd("ndjson", _ => new NdjsonParser());
        setup.ParserPrototypes.TryAdd("csv", context => new CsvParser(ReadCsvOptions(context)));
        setup.ParserPrototypes.TryAdd("yaml", _ => new YamlParser());
        setup.ParserPrototypes.TryAdd("form", _ => new FormParser());
        setup.ParserPrototypes.TryAdd("binary", _ => new BinaryParser());
        setup.ParserPrototypes.TryAdd("auto", context => new AutoParser(new AutoParserOptions
        {
            ReadMethod = context.GetEnum("ReadMethod", XmlReadMethod.WholeFile),
            Csv = ReadCsvOptions(context),
        }));

        setup.TransformerPrototypes.TryAdd("value-setter", TransformerPrototypes.CreateValueSetter);
        setup.TransformerPrototypes.TryAdd("value-mapper", TransformerPrototypes.CreateValueMapper);
        setup.TransformerPrototypes.TryAdd("key-mapper", TransformerPrototypes.CreateKeyMapper);
        setup.TransformerPrototypes.TryAdd("copy", TransformerPrototypes.CreateCopy);
        setup.TransformerPrototypes.TryAdd("move", TransformerPrototypes.CreateMove);
        setup.TransformerPrototypes.TryAdd("key-filter", TransformerPrototypes.CreateKeyFilter);
        setup.TransformerPrototypes.TryAdd("value-remover", TransformerPrototypes.CreateValueRemover);
        setup.TransformerPrototypes.TryAdd("type-setter", TransformerPrototypes.CreateTypeSetter);
        setup.TransformerPrototypes.TryAdd("merger", TransformerPrototypes.CreateMerger);
        setup.TransformerPrototypes.TryAdd("conditional", TransformerPrototypes.CreateConditional);
        setup.TransformerPrototypes.TryAdd("filter", TransformerPrototypes.CreateFilter);
        setup.TransformerPrototypes.TryAdd("brancher", TransformerPrototypes.CreateBrancher);
        setup.TransformerPrototypes.TryAdd("chain", TransformerPrototypes.CreateChain);

        setup.ConditionPrototypes.TryAdd("equals", TransformerPrototypes.CreateEquals);
        setup.ConditionPrototypes.TryAdd("one-of", TransformerPrototypes.CreateOneOf);
        setup.ConditionPrototypes.TryAdd("exists", TransformerPrototypes.CreateExists);
        setup.ConditionPrototypes.TryAdd("matches", TransformerPrototypes.CreateMatches);
        setup.ConditionPrototypes.TryAdd("and", TransformerPrototypes.CreateAnd);
        setup.ConditionPrototypes.TryAdd("or", TransformerPrototypes.CreateOr);
        setup.ConditionPrototypes.TryAdd("not", TransformerPrototypes.CreateNot);

        setup.OutgoingPrototypes.TryAdd("http", CreateHttp);
    }

    /// <summary>Reads the CSV settings of the <c>csv</c> and <c>auto</c> prototypes, recording every bad one.</summary>
    private static CsvParserOptions ReadCsvOptions(PrototypeContext context)
    {
        var defaults = new CsvParserOptions();
        var encoding = defaults.Encoding;
        if (context.GetString("Encoding") is { } name)
        {
            try
            {
                encoding = Encoding.GetEncoding(name);
            }
            catch (Exception exception) when (exception is ArgumentException or NotSupportedException)
            {
                context.AddError("Encoding", $"'{name}' is not a known encoding; use utf-8, utf-16, utf-16BE, utf-32, us-ascii or iso-8859-1");
            }
        }

        var options = new CsvParserOptions
        {
            Delimiter = context.GetChar("Delimiter") ?? defaults.Delimiter,
            Enclosure = context.GetChar("Enclosure") ?? defaults.Enclosure,
            Escape = context.GetChar("Escape"),
            HasHeaderRow = context.GetBoolean("HasHeaderRow", defaults.HasHeaderRow),
            Encoding = encoding,
        };
        foreach (var (setting, message) in options.Problems())
        {
            context.AddError(setting, message);
        }

        return options;
    }

    private static HttpOutgoing CreateHttp(PrototypeContext context)
    {
        var method = context.GetString("Method") ?? "POST";
        if (!HttpMethods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            context.AddError("Method", $"'{method}' is not one of {string.Join(", ", HttpMethods)}");
        }

        var options = new HttpOutgoingOptions
        {
            Method = new HttpMethod(method.ToUpperInvariant()),
            Url = context.GetRequiredString("Url"),
        };
        return new HttpOutgoing(options, context.Services.GetRequiredService<IHttpClientFactory>(), context.Services.GetService<TimeProvider>());
    }
}
