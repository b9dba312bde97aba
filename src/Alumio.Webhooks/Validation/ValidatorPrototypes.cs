using System.Text.RegularExpressions;
using Alumio.Webhooks.Configuration;

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
        var password = context.GetRequiredString("Password");
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

        return value is not null ? [value] : values;
    }
}
