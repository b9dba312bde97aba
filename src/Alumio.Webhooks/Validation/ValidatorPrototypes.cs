using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Alumio.Webhooks.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Alumio.Webhooks.Validation;

/// <summary>The configuration prototypes of the built-in request validators; every bad setting is recorded.</summary>
internal static class ValidatorPrototypes
{
    public static HeaderRequestValidator CreateHeader(PrototypeContext context)
    {
        var header = context.GetRequiredString("Header");
        var value = context.GetString("Value");
        var values = context.GetStrings("Values");
        var pattern = context.GetString("Pattern");
        var count = (value is null ? 0 : 1) + (values.Count == 0 ? 0 : 1) + (pattern is null ? 0 : 1);
        if (count != 1)
        {
            context.AddError("Value", "or Values or Pattern is required: exactly one of them");
            return null!;
        }

        if (pattern is not null)
        {
            var regex = CompilePattern(context, pattern);
            return regex is null ? null! : new HeaderRequestValidator(header, regex);
        }

        return new HeaderRequestValidator(header, ReadSecrets(context, value, values));
    }

    public static QueryRequestValidator CreateQuery(PrototypeContext context)
    {
        var name = context.GetRequiredString("Name");
        return new QueryRequestValidator(name, ReadSecrets(context, context.GetString("Value"), context.GetStrings("Values")));
    }

    public static BearerTokenRequestValidator CreateBearer(PrototypeContext context) =>
        new(ReadSecrets(context, context.GetString("Token"), context.GetStrings("Tokens"), "Token", "Tokens"));

    public static BasicAuthenticationRequestValidator CreateBasic(PrototypeContext context)
    {
        var username = context.GetRequiredString("Username");
        var password = context.GetRequiredSecret("Password");
        if (username.Contains(':', StringComparison.Ordinal))
        {
            context.AddError("Username", "may not contain a colon");
        }

        return new BasicAuthenticationRequestValidator(username, password);
    }

    public static IpAddressRequestValidator CreateIp(PrototypeContext context)
    {
        var entries = context.GetStrings("Allow");
        if (entries.Count == 0)
        {
            context.AddError("Allow", "is required: a list of IP addresses and CIDR ranges");
            return null!;
        }

        var networks = new List<System.Net.IPNetwork>();
        for (var i = 0; i < entries.Count; i++)
        {
            if (IpAddressRequestValidator.TryParseRange(entries[i], out var network))
            {
                networks.Add(network);
            }
            else
            {
                context.AddError($"Allow:{i}", "is not an IP address or a CIDR range with no bits set beyond its prefix, such as 10.0.0.0/8, ::1 or 2001:db8::/32");
            }
        }

        return new IpAddressRequestValidator(networks);
    }

    public static HmacSignatureValidator CreateHmac(PrototypeContext context)
    {
        var algorithm = context.GetString("Algorithm")?.Trim().ToUpperInvariant() switch
        {
            null or "SHA256" => HashAlgorithmName.SHA256,
            "SHA1" => HashAlgorithmName.SHA1,
            "SHA512" => HashAlgorithmName.SHA512,
            var other => Invalid(context, "Algorithm", $"'{other}' is not one of SHA1, SHA256, SHA512"),
        };
        var header = context.GetRequiredString("Header");
        var template = context.GetString("Template") ?? HmacSignatureValidator.SignaturePlaceholder;
        var at = template.IndexOf(HmacSignatureValidator.SignaturePlaceholder, StringComparison.Ordinal);
        if (at < 0 || template.IndexOf(HmacSignatureValidator.SignaturePlaceholder, at + 1, StringComparison.Ordinal) >= 0)
        {
            context.AddError("Template", $"must contain {HmacSignatureValidator.SignaturePlaceholder} exactly once, such as sha256={HmacSignatureValidator.SignaturePlaceholder}");
        }

        var encoding = context.GetEnum("Encoding", SignatureEncoding.Hex);
        var secrets = ReadSecrets(context, context.GetString("Secret"), context.GetStrings("Secrets"), "Secret", "Secrets");
        return Build(context, () => new HmacSignatureValidator(algorithm, header, template, encoding, secrets));
    }

    public static HmacSignatureValidator CreateGitHub(PrototypeContext context)
    {
        var secrets = ReadSecrets(context, context.GetString("Secret"), context.GetStrings("Secrets"), "Secret", "Secrets");
        return Build(context, () => HmacSignatureValidator.GitHub(secrets));
    }

    public static HmacSignatureValidator CreateShopify(PrototypeContext context)
    {
        var secrets = ReadSecrets(context, context.GetString("Secret"), context.GetStrings("Secrets"), "Secret", "Secrets");
        return Build(context, () => HmacSignatureValidator.Shopify(secrets));
    }

    public static StripeSignatureValidator CreateStripe(PrototypeContext context)
    {
        var (secrets, tolerance, time) = ReadTimestamped(context);
        return Build(context, () => new StripeSignatureValidator(secrets, tolerance, time));
    }

    public static SlackSignatureValidator CreateSlack(PrototypeContext context)
    {
        var (secrets, tolerance, time) = ReadTimestamped(context);
        return Build(context, () => new SlackSignatureValidator(secrets, tolerance, time));
    }

    public static StandardWebhooksSignatureValidator CreateStandardWebhooks(PrototypeContext context)
    {
        var (secrets, tolerance, time) = ReadTimestamped(context);
        for (var i = 0; i < secrets.Count; i++)
        {
            if (secrets[i].Length > 0 && !StandardWebhooksSignatureValidator.IsValidSecret(secrets[i]))
            {
                // The secret itself is never repeated in an error.
                context.AddError(secrets.Count == 1 && context.GetString("Secret") is not null ? "Secret" : $"Secrets:{i}", "is not a Standard Webhooks secret: whsec_ followed by base64");
            }
        }

        return Build(context, () => new StandardWebhooksSignatureValidator(secrets, tolerance, time));
    }

    private static (IReadOnlyList<string> Secrets, TimeSpan Tolerance, TimeProvider Time) ReadTimestamped(PrototypeContext context)
    {
        var secrets = ReadSecrets(context, context.GetString("Secret"), context.GetStrings("Secrets"), "Secret", "Secrets");
        var tolerance = context.GetTimeSpan("Tolerance", TimeSpan.FromMinutes(5));
        if (tolerance > TimeSpan.FromDays(1) || tolerance < TimeSpan.FromSeconds(1))
        {
            context.AddError("Tolerance", "must be between 00:00:01 and 1.00:00:00");
        }

        return (secrets, tolerance, context.Services.GetService<TimeProvider>() ?? TimeProvider.System);
    }

    /// <summary>Builds a validator once its settings were read; with any recorded error there is nothing to build.</summary>
    private static T Build<T>(PrototypeContext context, Func<T> create)
        where T : class => context.HasErrors ? null! : create();

    private static HashAlgorithmName Invalid(PrototypeContext context, string key, string message)
    {
        context.AddError(key, message);
        return HashAlgorithmName.SHA256;
    }

    private static Regex? CompilePattern(PrototypeContext context, string pattern)
    {
        try
        {
            return new Regex(pattern, HeaderRequestValidator.PatternOptions);
        }
        catch (RegexParseException exception)
        {
            context.AddError("Pattern", $"is not a valid regular expression ({exception.Error} at offset {exception.Offset})");
        }
        catch (NotSupportedException)
        {
            context.AddError("Pattern", "uses a construct that non-backtracking matching does not support, such as a backreference or lookaround");
        }

        return null;
    }

    /// <summary>Reads the accepted secrets of a <c>Value</c>/<c>Values</c> pair (or <c>Token</c>/<c>Tokens</c>); exactly one must be set.</summary>
    private static IReadOnlyList<string> ReadSecrets(PrototypeContext context, string? value, IReadOnlyList<string> values, string valueKey = "Value", string valuesKey = "Values")
    {
        if (value is not null && values.Count > 0)
        {
            context.AddError(valueKey, $"and {valuesKey} may not both be set");
        }
        else if (value is null && values.Count == 0)
        {
            context.AddError(valueKey, $"or {valuesKey} is required");
        }
        else if (value is not null && value.Length == 0)
        {
            context.AddError(valueKey, "may not be empty");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Length == 0)
            {
                context.AddError($"{valuesKey}:{i}", "may not be empty");
            }
        }

        // A secret that names a setting is read now; one that is not set is recorded and left empty, which no later check repeats.
        return value is not null ? [context.ExpandSecret(valueKey, value)!] : [.. values.Select((secret, i) => context.ExpandSecret($"{valuesKey}:{i}", secret)!)];
    }
}
