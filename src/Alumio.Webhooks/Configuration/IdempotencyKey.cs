using Alumio.Webhooks.Splitting;

namespace Alumio.Webhooks.Configuration;

/// <summary>
/// Where a webhook finds a request's idempotency key: a header (<c>header:Idempotency-Key</c>, <c>header:webhook-id</c>,
/// <c>header:X-GitHub-Delivery</c>, ...) or a value in the body (<c>pattern:order.id</c>). A request repeating a key
/// within <see cref="Window"/> is answered <c>200</c> with the first request's id and stores nothing.
/// </summary>
public sealed class IdempotencyKey
{
    /// <summary>How long a key is remembered unless configured: one day.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);

    /// <summary>The longest window: 30 days.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(30);

    private IdempotencyKey(string? header, ItemPattern? pattern, TimeSpan? window)
    {
        var span = window ?? DefaultWindow;
        ArgumentOutOfRangeException.ThrowIfLessThan(span, TimeSpan.FromSeconds(1), nameof(window));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(span, MaxWindow, nameof(window));
        Header = header;
        Pattern = pattern;
        Window = span;
    }

    /// <summary>Gets the header that carries the key, or <see langword="null"/> when the key is in the body.</summary>
    public string? Header { get; }

    /// <summary>Gets the pattern that finds the key in the body, or <see langword="null"/> when it is a header.</summary>
    public ItemPattern? Pattern { get; }

    /// <summary>Gets how long a key is remembered.</summary>
    public TimeSpan Window { get; }

    /// <summary>Reads <c>header:Name</c> or <c>pattern:path.to.value</c>.</summary>
    /// <param name="text">The key's source.</param>
    /// <param name="window">How long a key is remembered: 1 second to 30 days; <see cref="DefaultWindow"/> when <see langword="null"/>.</param>
    /// <returns>The key source.</returns>
    /// <exception cref="FormatException">The text is neither form, or the pattern is invalid.</exception>
    public static IdempotencyKey Parse(string text, TimeSpan? window = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        var kind = colon < 0 ? string.Empty : text[..colon].Trim();
        var value = colon < 0 ? string.Empty : text[(colon + 1)..].Trim();
        if (value.Length > 0 && kind.Equals("header", StringComparison.OrdinalIgnoreCase))
        {
            return new IdempotencyKey(value, null, window);
        }

        if (value.Length > 0 && kind.Equals("pattern", StringComparison.OrdinalIgnoreCase))
        {
            return new IdempotencyKey(null, ItemPattern.Parse(value), window);
        }

        throw new FormatException($"'{text}' is neither header:<name> nor pattern:<path>, such as header:Idempotency-Key or pattern:order.id.");
    }
}
