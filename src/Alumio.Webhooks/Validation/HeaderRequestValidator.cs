using System.Text.RegularExpressions;
using Alumio.Webhooks.Receiving;

namespace Alumio.Webhooks.Validation;

/// <summary>
/// Accepts a request only when a header equals one of the configured values, or matches a regular
/// expression (prototype <c>header</c>). Values are compared in constant time, whichever one matches
/// and wherever they differ. A missing or repeated header is refused.
/// </summary>
public sealed class HeaderRequestValidator : IRequestValidator
{
    /// <summary>The detail of the problem answered when the header is missing or wrong.</summary>
    public const string WrongTokenDetail = "Wrong authentication token provided.";

    /// <summary>The options patterns are compiled with.</summary>
    internal const RegexOptions PatternOptions = RegexOptions.NonBacktracking | RegexOptions.CultureInvariant;

    private readonly string _header;
    private readonly SecretComparer? _accepted;
    private readonly Regex? _pattern;

    /// <summary>Initializes a new instance of the <see cref="HeaderRequestValidator"/> class.</summary>
    /// <param name="header">The header name, for example <c>X-Alumio-Auth</c>.</param>
    /// <param name="value">The value the header must have.</param>
    public HeaderRequestValidator(string header, string value)
        : this(header, [value ?? throw new ArgumentNullException(nameof(value))])
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
    }

    /// <summary>Initializes a new instance of the <see cref="HeaderRequestValidator"/> class that accepts several values, for secret rotation.</summary>
    /// <param name="header">The header name, for example <c>X-Alumio-Auth</c>.</param>
    /// <param name="values">The accepted values; at least one, none empty.</param>
    public HeaderRequestValidator(string header, IEnumerable<string> values)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        _header = header;
        _accepted = SecretComparer.Create(values, nameof(values));
    }

    /// <summary>Initializes a new instance of the <see cref="HeaderRequestValidator"/> class that accepts a header matching a pattern.</summary>
    /// <param name="header">The header name, for example <c>X-Alumio-Auth</c>.</param>
    /// <param name="pattern">
    /// The regular expression the header's value must match (<see cref="Regex.IsMatch(string)"/>; anchor it with
    /// <c>^</c> and <c>$</c> to match the whole value). Build it with <see cref="RegexOptions.NonBacktracking"/> so a
    /// hostile header cannot make matching slow; <see cref="CreatePattern"/> does.
    /// </param>
    public HeaderRequestValidator(string header, Regex pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(header);
        ArgumentNullException.ThrowIfNull(pattern);
        _header = header;
        _pattern = pattern;
    }

    /// <summary>Gets the name of the header that is checked.</summary>
    public string Header => _header;

    /// <summary>Gets the pattern the header must match, or <see langword="null"/> when it must equal a value.</summary>
    public Regex? Pattern => _pattern;

    /// <summary>Compiles a pattern the way the <c>header</c> prototype does: non-backtracking and culture-invariant.</summary>
    /// <param name="pattern">The .NET regular expression.</param>
    /// <returns>The compiled expression.</returns>
    /// <exception cref="ArgumentException">
    /// The pattern is invalid, or uses a construct non-backtracking matching lacks, such as a backreference or lookaround.
    /// The message does not repeat the pattern.
    /// </exception>
    public static Regex CreatePattern(string pattern)
    {
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        try
        {
            return new Regex(pattern, PatternOptions);
        }
        catch (RegexParseException exception)
        {
            throw new ArgumentException($"The pattern is not a valid regular expression ({exception.Error} at offset {exception.Offset}).", nameof(pattern));
        }
        catch (NotSupportedException)
        {
            throw new ArgumentException("The pattern uses a construct that non-backtracking matching does not support, such as a backreference or lookaround.", nameof(pattern));
        }
    }

    /// <inheritdoc />
    public ValueTask<RequestValidationResult> ValidateAsync(WebhookRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var found = request.TryGetHeader(_header, out var values);
        bool matches;
        if (_pattern is not null)
        {
            matches = found && values.Count == 1 && values[0] is { } value && _pattern.IsMatch(value);
        }
        else
        {
            matches = _accepted!.MatchesAny(SecretComparer.Single(found, values));
        }

        return ValueTask.FromResult(matches ? RequestValidationResult.Success : RequestValidationResult.Fail(401, WrongTokenDetail));
    }
}
