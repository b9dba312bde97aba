namespace Alumio.Webhooks.Transformation;

/// <summary>How a dry run of a route's transformers ended.</summary>
public enum RouteDryRunStatus
{
    /// <summary>The transformers went through: the entity (or the branches) would be delivered.</summary>
    Continue,

    /// <summary>A transformer skipped the entity (a filter, or a brancher that found nothing): the task would end <c>Skipped</c>.</summary>
    Skipped,

    /// <summary>A transformer failed: the task would end <c>Failed</c> (or be retried, for an error that may pass).</summary>
    Failed,
}
