namespace Alumio.Webhooks.Receiving;

/// <summary>Why a webhook request was refused, in the terms of RFC 9457 problem details.</summary>
/// <param name="StatusCode">The HTTP status code.</param>
/// <param name="Title">A short, fixed summary of the kind of problem.</param>
/// <param name="Detail">What was wrong with this request; never holds a secret.</param>
public sealed record WebhookProblem(int StatusCode, string Title, string Detail)
{
    /// <summary>Gets the 1-based line of a malformed body, when known.</summary>
    public long? Line { get; init; }

    /// <summary>Gets the 1-based position within <see cref="Line"/>, when known.</summary>
    public long? Position { get; init; }

    /// <summary>Gets the 1-based data row (CSV) or record of a malformed body, when known.</summary>
    public long? Row { get; init; }
}
