namespace Alumio.Webhooks.Transformation;

/// <summary>The types a <see cref="TypeSetterTransformer"/> converts values to (configuration <c>Type</c>).</summary>
public enum EntityValueType
{
    /// <summary>A whole number (<c>int</c>): <c>"42"</c> and <c>42.0</c> become <c>42</c>; <c>"4.2"</c> is an error.</summary>
    Int,

    /// <summary>A number (<c>float</c>): <c>"4.20"</c> becomes <c>4.20</c>; decimals are kept exactly.</summary>
    Float,

    /// <summary>A boolean (<c>bool</c>): <c>true</c>/<c>false</c>, <c>1</c>/<c>0</c> and <c>yes</c>/<c>no</c>, in any case.</summary>
    Bool,

    /// <summary>A string (<c>string</c>): numbers and booleans become their JSON text.</summary>
    String,

    /// <summary>A date and time (<c>date</c>), read from ISO 8601 text or a given format, and written as ISO 8601 unless an output format is given.</summary>
    Date,
}
