using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Alumio.Webhooks.Placeholders;
using Alumio.Webhooks.Splitting;
using Alumio.Webhooks.Validation;

namespace Alumio.Webhooks.Transformation;

/// <summary>
/// Holds when the text of the value at a key matches a regular expression (prototype <c>matches</c>): anywhere in
/// the text, unless anchored with <c>^</c> and <c>$</c>. Numbers and booleans match by their JSON text; null,
/// objects, arrays and missing keys never match. The expression runs without backtracking, so matching takes time
/// linear in the value whatever an entity holds.
/// </summary>
public sealed class MatchesCondition : IEntityCondition
{
    private readonly ItemPattern _key;

    /// <summary>Initializes a new instance of the <see cref="MatchesCondition"/> class.</summary>
    /// <param name="key">The pattern path of the value.</param>
    /// <param name="pattern">The regular expression, such as <c>^3S[A-Z0-9]+$</c>.</param>
    /// <exception cref="FormatException">The key is invalid.</exception>
    /// <exception cref="ArgumentException">The expression is invalid or needs backtracking (backreferences, lookarounds).</exception>
    public MatchesCondition(string key, string pattern)
        : this(key, HeaderRequestValidator.CreatePattern(pattern))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MatchesCondition"/> class.</summary>
    /// <param name="key">The pattern path of the value.</param>
    /// <param name="regex">The expression; build it with <see cref="RegexOptions.NonBacktracking"/> when entities come from outside.</param>
    /// <exception cref="FormatException">The key is invalid.</exception>
    public MatchesCondition(string key, Regex regex)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(regex);
        _key = PathSyntax.Parse(key);
        Regex = regex;
    }

    /// <summary>Gets the pattern path of the value.</summary>
    public string Key => _key.Text;

    /// <summary>Gets the regular expression.</summary>
    public Regex Regex { get; }

    /// <inheritdoc />
    public bool IsMet(JsonNode entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return EntityLocation.Find(_key, entity).Exists(found => EntityLocation.TryGetText(found.Location.Node, out var text) && Regex.IsMatch(text));
    }

    /// <inheritdoc />
    public string Describe() => $"{Key} matches {JsonText.Quote(Regex.ToString())}";
}
