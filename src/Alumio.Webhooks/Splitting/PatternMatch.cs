using System.Text.Json.Nodes;

namespace Alumio.Webhooks.Splitting;

/// <summary>A node an <see cref="ItemPattern"/> landed on, with what its wildcard keys matched.</summary>
/// <param name="Node">The matched node.</param>
/// <param name="Captures">The keys or indexes that the wildcard keys matched, in pattern order (<c>$1</c> is the first).</param>
public sealed record PatternMatch(JsonNode? Node, IReadOnlyList<string> Captures);
