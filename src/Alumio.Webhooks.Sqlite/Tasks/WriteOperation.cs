namespace Alumio.Webhooks.Sqlite;

/// <summary>One unit of work for the <see cref="SqliteWriter"/>; it runs inside a savepoint of a group transaction.</summary>
/// <param name="durable">Whether the caller needs the work on disk before it completes (synchronous=FULL).</param>
/// <param name="weight">About how many rows the work writes; a group transaction collects work up to a total weight.</param>
/// <param name="cancellationToken">Cancels the work while it is queued; once it runs, it runs to the end.</param>
internal abstract class WriteOperation(bool durable, int weight, CancellationToken cancellationToken)
{
    public bool Durable { get; } = durable;

    public int Weight { get; } = Math.Max(1, weight);

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>Gets or sets why the work failed; its savepoint was rolled back, the rest of the group goes on.</summary>
    public Exception? Error { get; set; }

    /// <summary>Does the work on the writer's connection, inside the group's transaction.</summary>
    public abstract void Execute(SqliteWriter writer);

    /// <summary>Completes the caller's task once the group's transaction committed.</summary>
    public abstract void Succeed();

    /// <summary>Fails the caller's task: the work is not stored.</summary>
    public abstract void Fail(Exception exception);

    /// <summary>Cancels the caller's task before the work ran.</summary>
    public abstract void Cancel();
}

/// <summary>Work with a result, handed to the caller once the transaction commits.</summary>
internal sealed class WriteOperation<T>(bool durable, int weight, Func<SqliteWriter, T> work, CancellationToken cancellationToken)
    : WriteOperation(durable, weight, cancellationToken)
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T _result = default!;

    public Task<T> Completion => _completion.Task;

    public override void Execute(SqliteWriter writer) => _result = work(writer);

    public override void Succeed() => _completion.TrySetResult(_result);

    public override void Fail(Exception exception) => _completion.TrySetException(exception);

    public override void Cancel() => _completion.TrySetCanceled(CancellationToken);
}
