using System.Globalization;
using Alumio.Webhooks.Placeholders;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Configuration;

/// <summary>
/// What a prototype factory gets: its configuration section, read through methods that record every
/// missing or bad setting, and the application's services.
/// </summary>
/// <remarks>
/// Keys that the factory never reads are reported as unknown once it returns, so a typo in a setting
/// stops start-up instead of being ignored. When any setting is missing or bad, the component is
/// dropped and all problems are listed together.
/// </remarks>
public sealed class PrototypeContext
{
    private readonly IConfigurationSection _section;
    private readonly HashSet<string> _readKeys = new(StringComparer.OrdinalIgnoreCase) { "Prototype" };
    private readonly List<string> _errors = [];

    internal PrototypeContext(IConfigurationSection section, string prototype, IServiceProvider services)
    {
        _section = section;
        Prototype = prototype;
        Services = services;
    }

    /// <summary>Gets the prototype name the component was configured with.</summary>
    public string Prototype { get; }

    /// <summary>Gets the configuration path of the component, for messages.</summary>
    public string Path => _section.Path;

    /// <summary>Gets the application's services.</summary>
    public IServiceProvider Services { get; }

    internal IReadOnlyList<string> Errors => _errors;

    /// <summary>Gets a value indicating whether any setting was reported wrong so far.</summary>
    internal bool HasErrors => _errors.Count > 0;

    /// <summary>Reads an optional string setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value, or <see langword="null"/> when not set.</returns>
    public string? GetString(string key)
    {
        var child = Read(key);
        if (child.Value is null && child.GetChildren().Any())
        {
            AddError(key, "must be a single value, not a list or object");
        }

        return child.Value;
    }

    /// <summary>Reads a required, non-empty string setting; records an error when it is missing.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The value, or an empty string when missing (the component is then dropped).</returns>
    public string GetRequiredString(string key)
    {
        var value = GetString(key);
        if (string.IsNullOrEmpty(value))
        {
            AddError(key, "is required");
            return string.Empty;
        }

        return value;
    }

    /// <summary>Reads an optional enum setting by its case-insensitive name.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the setting is absent.</param>
    /// <returns>The value; <paramref name="defaultValue"/> when absent or invalid (invalid is recorded).</returns>
    public TEnum GetEnum<TEnum>(string key, TEnum defaultValue)
        where TEnum : struct, Enum
    {
        var text = GetString(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) && !text.Contains(',', StringComparison.Ordinal)
            && Enum.TryParse<TEnum>(text, ignoreCase: true, out var value) && Enum.IsDefined(value))
        {
            return value;
        }

        AddError(key, $"'{text}' is not one of {string.Join(", ", Enum.GetNames<TEnum>())}");
        return defaultValue;
    }

    /// <summary>Reads an optional duration written as <c>hh:mm:ss</c> (or <c>d.hh:mm:ss</c>), such as <c>00:05:00</c>.</summary>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the setting is absent.</param>
    /// <returns>The value; <paramref name="defaultValue"/> when absent or invalid (invalid is recorded).</returns>
    public TimeSpan GetTimeSpan(string key, TimeSpan defaultValue)
    {
        var text = GetString(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (TimeSpan.TryParseExact(text.Trim(), "c", CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero)
        {
            return value;
        }

        AddError(key, $"'{text}' is not a positive duration such as 00:05:00");
        return defaultValue;
    }

    /// <summary>Reads an optional boolean setting, <c>true</c> or <c>false</c> in any case.</summary>
    /// <param name="key">The setting's key.</param>
    /// <param name="defaultValue">The value when the setting is absent.</param>
    /// <returns>The value; <paramref name="defaultValue"/> when absent or invalid (invalid is recorded).</returns>
    public bool GetBoolean(string key, bool defaultValue)
    {
        var text = GetString(key);
        if (text is null)
        {
            return defaultValue;
        }

        if (bool.TryParse(text, out var value))
        {
            return value;
        }

        AddError(key, $"'{text}' is not true or false");
        return defaultValue;
    }

    /// <summary>Reads an optional setting that must be exactly one character.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The character; <see langword="null"/> when absent or invalid (invalid is recorded).</returns>
    public char? GetChar(string key)
    {
        var text = GetString(key);
        if (text is null)
        {
            return null;
        }

        if (text.Length == 1)
        {
            return text[0];
        }

        AddError(key, $"must be exactly one character; it is {text.Length} characters long");
        return null;
    }

    /// <summary>Reads an optional list of strings; a single value is a list of one.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The values; empty when not set.</returns>
    public IReadOnlyList<string> GetStrings(string key)
    {
        var child = Read(key);
        if (child.Value is not null)
        {
            return [child.Value];
        }

        var values = new List<string>();
        foreach (var item in child.GetChildren())
        {
            if (item.Value is null)
            {
                AddError($"{key}:{item.Key}", "must be a single value");
            }
            else
            {
                values.Add(item.Value);
            }
        }

        return values;
    }

    /// <summary>Reads a required secret: <see cref="GetRequiredString"/>, then <see cref="ExpandSecret"/>.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The secret; an empty string when it is missing or names a setting that is not set (both recorded).</returns>
    public string GetRequiredSecret(string key)
    {
        var value = GetRequiredString(key);
        return value.Length == 0 ? value : ExpandSecret(key, value)!;
    }

    /// <summary>
    /// Reads a secret that is written as <c>${NAME}</c> (the whole value, NAME a configuration key: letters, digits and
    /// <c>_ . : -</c>) from the application's configuration, or from the environment when there is none, so the secret
    /// need not stand in these settings, as in Alumio's environment variables. Any other value is the secret as written.
    /// A name that is not set is recorded as an error that names the setting and the name, never a value.
    /// </summary>
    /// <param name="key">The setting's key, for the error.</param>
    /// <param name="value">The value as written, or <see langword="null"/>.</param>
    /// <returns>The secret; <paramref name="value"/> itself when it names no setting; an empty string when the name is not set.</returns>
    public string? ExpandSecret(string key, string? value)
    {
        if (value is not { Length: > 3 } || !value.StartsWith("${", StringComparison.Ordinal) || value[^1] != '}' || !IsSettingName(value.AsSpan(2, value.Length - 3)))
        {
            return value;
        }

        var name = value[2..^1];
        var resolve = ConfigurationValues.Resolver(Services);
        var found = resolve.Lookup(name);
        if (string.IsNullOrEmpty(found))
        {
            AddError(key, $"names the setting ${{{name}}}, which is not set{resolve.Where}");
            return string.Empty;
        }

        return found;
    }

    private static bool IsSettingName(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '.' or ':' or '-'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Gets a child section for settings with structure of their own; its keys are not checked.</summary>
    /// <param name="key">The setting's key.</param>
    /// <returns>The section, which may not exist.</returns>
    public IConfigurationSection GetSection(string key) => Read(key);

    /// <summary>Records a problem with a setting.</summary>
    /// <param name="key">The setting's key.</param>
    /// <param name="message">What is wrong, without echoing a secret.</param>
    public void AddError(string key, string message) => _errors.Add($"{_section.Path}:{key} {message}.");

    /// <summary>A context for a nested settings object, such as an outgoing's <c>Authentication</c>; its errors join this one's when <see cref="Complete"/> is called.</summary>
    internal PrototypeContext Nested(string key, string kind) => new(Read(key), kind, Services);

    /// <summary>Checks a nested context's keys and adds its errors to this one.</summary>
    internal void Complete(PrototypeContext nested)
    {
        nested.CheckUnknownKeys();
        _errors.AddRange(nested._errors);
    }

    /// <summary>Records the problems of a component nested in this one (a chain's transformers, a filter's condition), as they are.</summary>
    internal void AddNestedErrors(IEnumerable<string> errors) => _errors.AddRange(errors);

    internal void CheckUnknownKeys()
    {
        foreach (var child in _section.GetChildren())
        {
            if (!_readKeys.Contains(child.Key))
            {
                _errors.Add(Prototype.Contains(' ', StringComparison.Ordinal)
                    ? $"{child.Path} is not a setting of {Prototype}."
                    : $"{child.Path} is not a setting of prototype '{Prototype}'.");
            }
        }
    }

    private IConfigurationSection Read(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        _readKeys.Add(key);
        return _section.GetSection(key);
    }
}
