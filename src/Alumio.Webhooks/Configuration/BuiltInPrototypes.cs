using System.Text;
using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Transformation;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.Configuration;
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
        setup.OutgoingPrototypes.TryAdd("no-action", _ => NoActionOutgoing.Instance);
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

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in context.GetSection("Headers").GetChildren())
        {
            if (header.Value is null)
            {
                context.AddError($"Headers:{header.Key}", "must be a single value (a text that may hold &{path} placeholders)");
            }
            else
            {
                headers[header.Key] = header.Value;
            }
        }

        var body = context.GetEnum("Body", HttpBodyFormat.Json);
        var formEncoding = (context.GetString("FormEncoding") ?? "RFC1738").Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "RFC1738" => FormEncoding.Rfc1738,
            "RFC3986" => FormEncoding.Rfc3986,
            var other => Invalid(context, "FormEncoding", $"'{other}' is not one of RFC1738, RFC3986", FormEncoding.Rfc1738),
        };
        var timeout = context.GetTimeSpan("Timeout", TimeSpan.FromSeconds(30));
        if (timeout > TimeSpan.FromMinutes(10))
        {
            context.AddError("Timeout", "must be at most 00:10:00");
        }

        var options = new HttpOutgoingOptions
        {
            Method = new HttpMethod(method.ToUpperInvariant()),
            Url = context.GetRequiredString("Url"),
            Headers = headers,
            Body = body,
            FormEncoding = formEncoding,
            XmlRoot = context.GetString("XmlRoot") ?? "entity",
            Authentication = ReadAuthentication(context),
            Signing = ReadSigning(context),
            Timeout = timeout,
        };
        return context.HasErrors ? null! : new HttpOutgoing(options, context.Services.GetRequiredService<IHttpClientFactory>(), context.Services.GetService<TimeProvider>(), context.Services.GetService<IConfiguration>());
    }

    private static HttpAuthentication? ReadAuthentication(PrototypeContext context)
    {
        if (!context.GetSection("Authentication").Exists())
        {
            return null;
        }

        var nested = context.Nested("Authentication", "the http outgoing's Authentication");
        HttpAuthentication? result = null;
        try
        {
            result = nested.GetRequiredString("Type").ToLowerInvariant() switch
            {
                "basic" => HttpAuthentication.Basic(nested.GetRequiredString("Username"), nested.GetRequiredSecret("Password")),
                "bearer" => HttpAuthentication.Bearer(nested.GetRequiredSecret("Token")),
                "api-key" => HttpAuthentication.ApiKey(nested.GetRequiredString("Header"), nested.GetRequiredSecret("Value")),
                "" => null,
                var other => Invalid<HttpAuthentication?>(nested, "Type", $"'{other}' is not one of basic, bearer, api-key", null),
            };
        }
        catch (ArgumentException)
        {
            // The missing or invalid setting was recorded by the reader; the message never repeats a secret.
            if (!nested.HasErrors)
            {
                nested.AddError("Type", "has settings that are missing or invalid");
            }
        }

        context.Complete(nested);
        return result;
    }

    private static HttpSigning? ReadSigning(PrototypeContext context)
    {
        if (!context.GetSection("Signing").Exists())
        {
            return null;
        }

        var nested = context.Nested("Signing", "the http outgoing's Signing");
        HttpSigning? result = null;
        try
        {
            switch (nested.GetRequiredString("Type").ToLowerInvariant())
            {
                case "hmac":
                    var algorithm = (nested.GetString("Algorithm") ?? "SHA256").ToUpperInvariant() switch
                    {
                        "SHA1" => System.Security.Cryptography.HashAlgorithmName.SHA1,
                        "SHA256" => System.Security.Cryptography.HashAlgorithmName.SHA256,
                        "SHA512" => System.Security.Cryptography.HashAlgorithmName.SHA512,
                        var other => Invalid(nested, "Algorithm", $"'{other}' is not one of SHA1, SHA256, SHA512", System.Security.Cryptography.HashAlgorithmName.SHA256),
                    };
                    var header = nested.GetRequiredString("Header");
                    var template = nested.GetString("Template") ?? HmacSignatureValidator.SignaturePlaceholder;
                    var encoding = nested.GetEnum("Encoding", SignatureEncoding.Hex);
                    var secret = nested.GetRequiredSecret("Secret");
                    if (!template.Contains(HmacSignatureValidator.SignaturePlaceholder, StringComparison.Ordinal))
                    {
                        nested.AddError("Template", $"must contain {HmacSignatureValidator.SignaturePlaceholder} exactly once");
                    }

                    result = nested.HasErrors ? null : HttpSigning.Hmac(algorithm, header, template, encoding, secret);
                    break;
                case "standard-webhooks":
                    var whsec = nested.GetRequiredSecret("Secret");
                    if (whsec.Length > 0 && !StandardWebhooksSignatureValidator.IsValidSecret(whsec))
                    {
                        nested.AddError("Secret", "is not a Standard Webhooks secret: whsec_ followed by base64");
                    }

                    result = nested.HasErrors ? null : HttpSigning.StandardWebhooks(whsec);
                    break;
                case "":
                    break;
                case var other:
                    nested.AddError("Type", $"'{other}' is not one of hmac, standard-webhooks");
                    break;
            }
        }
        catch (ArgumentException)
        {
            if (!nested.HasErrors)
            {
                nested.AddError("Type", "has settings that are missing or invalid");
            }
        }

        context.Complete(nested);
        return result;
    }

    private static T Invalid<T>(PrototypeContext context, string key, string message, T fallback)
    {
        context.AddError(key, message);
        return fallback;
    }
}
