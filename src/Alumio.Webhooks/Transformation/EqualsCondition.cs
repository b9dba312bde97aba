using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;
using Microsoft.Extensions.Configuration;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Holds when the value at a key equals a value (prototype <c>equals</c>). Strings, numbers and booleans compare by
/// their text, so <c>"7"</c> equals <c>7</c> and <c>"true"</c> (or <c>"True"</c>) equals <c>true</c>, and numbers also by value
/// (<c>7.0</c> equals <c>7</c>); objects and arrays compare as JSON. With wildcards in the key, one match is enough;
/// a missing key never equals anything.
/// </summary>
public sealed class EqualsCondition : IEntityCondition
{
    private readonly ItemPattern _key;
    private readonly JsonTemplate _value;

    /// <summary>Initializes a new instance of the <see cref="EqualsCondition"/> class.</summary>
    /// <param name="key">The pattern path of the value, such as <c>type</c> or <c>customer.country</c>.</param>
    /// <param name="value">The value to compare with; strings may hold placeholders, such as <c>&amp;{billing.country}</c>.</param>
    /// <param name="configuration">Where <c>${NAME}</c> placeholders are looked up; environment variables when <see langword="null"/>.</param>
    /// <exception cref="FormatException">The key or the value's placeholders are invalid.</exception>
    public EqualsCondition(string key, JsonNode? value, IConfiguration? configuration = null)
        : this(key, value, ConfigurationValues.Resolver(configuration))
    {
    }

    internal EqualsCondition(string key, JsonNode? value, ConfigurationValues.Resolve resolve)
    {
        ArgumentNullException.ThrowIfNull(key);
        _key = PathSyntax.Parse(key);
        _value = JsonTemplate.Parse(value, resolve);
    }

    /// <summary>Gets the pattern path of the value.</summary>
    public string Key => _key.Text;

    /// <inheritdoc />
    public bool IsMet(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var expected = _value.Evaluate(entity);
        return EntityLocation.Find(_key, entity).Exists(found => ValuesEqual(found.Location.Node, expected));
    }

    /// <inheritdoc />
    public string Describe() => $"{Key} equals {_value.Describe()}";

    /// <summary>Compares two values as the condition does.</summary>
    internal static bool ValuesEqual(JsonNode? actual, JsonNode? expected)
    {
        if (actual is null || expected is null)
        {
            return actual is null && expected is null;
        }

        if (EntityLocation.TryGetText(actual, out var left) && EntityLocation.TryGetText(expected, out var right))
        {
            if (string.Equals(left, right, StringComparison.Ordinal))
            {
                return true;
            }

            // Configuration writes a JSON true as "True".
            if (IsBoolean(actual) || IsBoolean(expected))
            {
                return string.Equals(left, right, StringComparison.OrdinalIgnoreCase);
            }

            return (actual.GetValueKind() == JsonValueKind.Number || expected.GetValueKind() == JsonValueKind.Number)
                && decimal.TryParse(left, NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
                && decimal.TryParse(right, NumberStyles.Float, CultureInfo.InvariantCulture, out var b)
                && a == b;
        }

        return JsonNode.DeepEquals(actual, expected);
    }

    private static bool IsBoolean(JsonNode node) => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False;
}
