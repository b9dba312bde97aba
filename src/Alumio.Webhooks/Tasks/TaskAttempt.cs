namespace Alumio.Webhooks.Tasks;

/// <summary>One attempt to process a task, kept in its history.</summary>
/// <param name="Number">The attempt's number, from 1.</param>
/// <param name="StartedAt">When the attempt started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Outcome">The status it left the task in.</param>
/// <param name="Error">Why it failed or was skipped; never holds a secret.</param>
public sealed record TaskAttempt(int Number, DateTimeOffset StartedAt, DateTimeOffset FinishedAt, WebhookTaskStatus Outcome, string? Error);
