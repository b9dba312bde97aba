namespace Alumio.Webhooks.Parsing;

/// <summary>An item a parser read from a body: its UTF-8 JSON, and what the pattern to items' wildcard keys matched.</summary>
/// <param name="Utf8">The item as UTF-8 JSON, owned by the caller.</param>
/// <param name="Captures">
/// What each wildcard key of the pattern matched, in pattern order (<c>$1</c> first): an object's key, or an array
/// index as text; for <c>Incremental</c> XML the element's name. Empty when the pattern has no wildcard keys.
/// </param>
public readonly record struct ParsedItem(ReadOnlyMemory<byte> Utf8, IReadOnlyList<string> Captures)
{
    private readonly IReadOnlyList<string>? _captures = Captures;

    /// <summary>Initializes a new instance of the <see cref="ParsedItem"/> struct without captures.</summary>
    /// <param name="utf8">The item as UTF-8 JSON.</param>
    public ParsedItem(ReadOnlyMemory<byte> utf8)
        : this(utf8, [])
    {
    }

    /// <summary>Gets what each wildcard key of the pattern matched; empty when none (also for a default instance).</summary>
    public IReadOnlyList<string> Captures
    {
        get => _captures ?? [];
        init => _captures = value;
    }
}
