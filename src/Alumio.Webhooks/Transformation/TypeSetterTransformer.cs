using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Processing;
using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Converts the value at a key to another type (prototype <c>type-setter</c>): numbers written as text into numbers,
/// flags into booleans, dates into ISO 8601. Null and missing keys are left alone; a value that does not convert
/// (<c>"abc"</c> as an <c>int</c>) fails the task, naming the path. A wildcard key converts every match. All
/// conversions use the invariant culture: <c>.</c> is the decimal separator.
/// </summary>
public sealed class TypeSetterTransformer : IEntityTransformer
{
    private const string IsoLocal = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";
    private const string IsoWithOffset = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz";

    private readonly ItemPattern _key;

    /// <summary>Initializes a new instance of the <see cref="TypeSetterTransformer"/> class.</summary>
    /// <param name="key">The pattern path of the value, such as <c>quantity</c> or <c>lines.*.quantity</c>.</param>
    /// <param name="type">The type to convert to.</param>
    /// <param name="format">
    /// For <see cref="EntityValueType.Date"/>: the .NET date format the text is written in, such as <c>dd-MM-yyyy HH:mm</c>;
    /// without it, only ISO 8601 is read (<c>2026-11-30</c>, <c>2026-11-30T14:05:00Z</c>, <c>2026-11-30 14:05+01:00</c>).
    /// </param>
    /// <param name="outputFormat">
    /// For <see cref="EntityValueType.Date"/>: the .NET date format to write, such as <c>yyyy-MM-dd</c>; without it ISO 8601
    /// (<c>2026-11-30T14:05:00</c>, with the offset when the text had one: <c>2026-11-30T14:05:00+01:00</c>).
    /// </param>
    /// <exception cref="FormatException">The key or the output format is invalid.</exception>
    /// <exception cref="ArgumentException">A format is given for a type other than a date, or the type is not defined.</exception>
    public TypeSetterTransformer(string key, EntityValueType type, string? format = null, string? outputFormat = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!Enum.IsDefined(type))
        {
            throw new ArgumentException($"The type {type} is not one of {string.Join(", ", Enum.GetNames<EntityValueType>())}.", nameof(type));
        }

        if (type != EntityValueType.Date && (format is not null || outputFormat is not null))
        {
            throw new ArgumentException("Format and OutputFormat apply to the date type only.", format is not null ? nameof(format) : nameof(outputFormat));
        }

        if (format is { Length: 0 } || outputFormat is { Length: 0 })
        {
            throw new ArgumentException("A date format may not be empty.", format is { Length: 0 } ? nameof(format) : nameof(outputFormat));
        }

        if (outputFormat is not null)
        {
            // An invalid custom format fails here, at start-up, rather than on the first entity.
            _ = new DateTimeOffset(2026, 11, 30, 14, 5, 0, TimeSpan.Zero).ToString(outputFormat, CultureInfo.InvariantCulture);
        }

        _key = PathSyntax.Parse(key);
        Type = type;
        Format = format;
        OutputFormat = outputFormat;
    }

    /// <summary>Gets the pattern path of the value.</summary>
    public string Key => _key.Text;

    /// <summary>Gets the type values are converted to.</summary>
    public EntityValueType Type { get; }

    /// <summary>Gets the format dates are read in; <see langword="null"/> for ISO 8601.</summary>
    public string? Format { get; }

    /// <summary>Gets the format dates are written in; <see langword="null"/> for ISO 8601.</summary>
    public string? OutputFormat { get; }

    /// <inheritdoc />
    public ValueTask<EntityTransformResult> TransformAsync(JsonNode entity, TaskContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entity);
        foreach (var (location, _) in EntityLocation.Find(_key, entity))
        {
            var node = location.Node;
            if (node is null)
            {
                continue;
            }

            if (!EntityLocation.TryGetText(node, out var text))
            {
                throw new TransformerException($"The value is {EntityLocation.Describe(node)}, which cannot be converted to {Name(Type)}.", location.Path);
            }

            location.Set(Convert(node.GetValueKind(), text, location.Path));
        }

        return ValueTask.FromResult(EntityTransformResult.Continue(entity));
    }

    private static string Name(EntityValueType type) => type switch
    {
        EntityValueType.Int => "int",
        EntityValueType.Float => "float",
        EntityValueType.Bool => "bool",
        EntityValueType.String => "string",
        _ => "date",
    };

    /// <summary>Whether text starts as an ISO 8601 date does: four digits of a year, then a dash.</summary>
    private static bool IsIsoDate(string text)
    {
        var trimmed = text.AsSpan().Trim();
        return trimmed.Length >= 10 && char.IsAsciiDigit(trimmed[0]) && char.IsAsciiDigit(trimmed[1]) && char.IsAsciiDigit(trimmed[2]) && char.IsAsciiDigit(trimmed[3]) && trimmed[4] == '-';
    }

    private static TransformerException Unconvertible(string text, string what, string path) =>
        new($"The value {JsonText.Quote(text)} is not {what}.", path);

    private JsonNode Convert(JsonValueKind kind, string text, string path)
    {
        switch (Type)
        {
            case EntityValueType.String:
                return JsonValue.Create(text);
            case EntityValueType.Int:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    throw Unconvertible(text, "a whole number", path);
                }

                if (long.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var whole))
                {
                    return JsonValue.Create(whole);
                }

                if (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number == decimal.Truncate(number)
                    && number >= long.MinValue && number <= long.MaxValue)
                {
                    return JsonValue.Create((long)number);
                }

                throw Unconvertible(text, "a whole number", path);
            case EntityValueType.Float:
                if (kind is JsonValueKind.True or JsonValueKind.False)
                {
                    throw Unconvertible(text, "a number", path);
                }

                if (decimal.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var exact))
                {
                    return JsonValue.Create(exact);
                }

                if (double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var large) && double.IsFinite(large))
                {
                    return JsonValue.Create(large);
                }

                throw Unconvertible(text, "a number", path);
            case EntityValueType.Bool:
                return JsonValue.Create(text.Trim().ToUpperInvariant() switch
                {
                    "TRUE" or "1" or "YES" => true,
                    "FALSE" or "0" or "NO" => false,
                    _ => throw Unconvertible(text, "a boolean (true/false, 1/0 or yes/no)", path),
                });
            default:
                if (kind != JsonValueKind.String)
                {
                    throw Unconvertible(text, "a date written as text", path);
                }

                return JsonValue.Create(ConvertDate(text, path));
        }
    }

    private string ConvertDate(string text, string path)
    {
        const DateTimeStyles styles = DateTimeStyles.AllowWhiteSpaces;
        var culture = CultureInfo.InvariantCulture;

        // Without a format only ISO 8601 is read: 01/02/2026 means a different day on either side of the ocean.
        // Parsed as a DateTime first only to learn whether the text carried an offset (its Kind is then not Unspecified).
        DateTime local = default;
        var parsed = Format is null
            ? IsIsoDate(text) && DateTime.TryParse(text, culture, styles, out local)
            : DateTime.TryParseExact(text, Format, culture, styles, out local);
        if (!parsed)
        {
            throw Unconvertible(text, Format is null ? "an ISO 8601 date such as 2026-11-30T14:05:00 (set Format to read other forms)" : $"a date in the format {Format}", path);
        }

        if (local.Kind == DateTimeKind.Unspecified)
        {
            return local.ToString(OutputFormat ?? IsoLocal, culture);
        }

        var withOffset = Format is null
            ? DateTimeOffset.Parse(text, culture, styles)
            : DateTimeOffset.ParseExact(text, Format, culture, styles);
        return withOffset.ToString(OutputFormat ?? IsoWithOffset, culture);
    }
}
