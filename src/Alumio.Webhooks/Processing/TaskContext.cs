using Alumio.Webhooks.Tasks;

namespace Alumio.Webhooks.Processing;

/// <summary>What a transformer or outgoing knows about the task it works on.</summary>
/// <param name="Task">The task being processed, as leased.</param>
/// <param name="Services">The application's services, for components that resolve their own dependencies.</param>
public sealed record TaskContext(WebhookTask Task, IServiceProvider Services)
{
    /// <summary>
    /// Gets a value indicating whether this is a dry run (<see cref="Transformation.RouteDryRun"/>): the task is made
    /// up from a sample entity and is neither stored nor delivered, so transformers of your own should not change
    /// anything outside the entity either.
    /// </summary>
    public bool IsDryRun { get; init; }
}
