using Alumio.Webhooks.Outgoing;
using Alumio.Webhooks.Parsing;
using Alumio.Webhooks.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Configuration;

/// <summary>The prototypes every host has.</summary>
internal static class BuiltInPrototypes
{
    private static readonly string[] HttpMethods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static void Register(AlumioWebhooksSetup setup)
    {
        setup.ValidatorPrototypes.TryAdd("header", context => new HeaderRequestValidator(context.GetRequiredString("Header"), context.GetRequiredString("Value")));

        setup.ParserPrototypes.TryAdd("json", _ => new JsonParser());
        setup.ParserPrototypes.TryAdd("xml", context => new XmlParser(new XmlParserOptions
        {
            ReadMethod = context.GetEnum("ReadMethod", XmlReadMethod.WholeFile),
            Namespaces = context.GetEnum("Namespaces", XmlNamespaceHandling.Keep),
            AlwaysArray = context.GetStrings("AlwaysArray"),
        }));

        setup.OutgoingPrototypes.TryAdd("http", CreateHttp);
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
        return new HttpOutgoing(options, context.Services.GetRequiredService<IHttpClientFactory>());
    }
}
