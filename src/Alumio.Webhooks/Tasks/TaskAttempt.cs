namespace Alumio.Webhooks.Tasks;

/// <summary>One attempt to process a task, kept in its history.</summary>
/// <param name="Number">The attempt's number, from 1.</param>
/// <param name="StartedAt">When the attempt started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Outcome">The status it left the task in.</param>
/// <param name="Error">Why it failed or was skipped; never holds a secret.</param>
public sealed record TaskAttempt(int Number, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, WebhookTaskStatus Outcome, string? Error)
{
    /// <summary>
    /// Gets the status code of the receiver's last answer in this attempt, as the outgoing reported it (for <c>http</c>,
    /// the HTTP status), or <see langword="null"/> when there was none: the attempt failed before or without an answer,
    /// or the outgoing reports no code.
    /// </summary>
    public int? StatusCode { get; init; }
}
