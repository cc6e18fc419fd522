namespace Pipeline.Api.Changes;

/// <summary>What a unit of work published, for the bells rung after its COMMIT.</summary>
public readonly record struct Published(bool Changes, bool Deliveries);

/// <summary>
/// Rung after a unit of work of this instance commits: feed readers waiting for changes answer at once; the webhook
/// dispatcher starts sending only when deliveries were queued (not on every write). Other instances' commits are
/// found by polling, a second at most later.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _changes = New();
    private TaskCompletionSource _deliveries = New();

    /// <summary>Completes at the next commit with changes. Take it before reading, so that no commit in between is missed.</summary>
    public Task Next => Volatile.Read(ref _changes).Task;

    /// <summary>Completes at the next commit that queued deliveries; taken, like <see cref="Next"/>, before looking.</summary>
    public Task NextDelivery => Volatile.Read(ref _deliveries).Task;

    public void Ring(Published published)
    {
        if (published.Changes) Interlocked.Exchange(ref _changes, New()).TrySetResult();
        if (published.Deliveries) Interlocked.Exchange(ref _deliveries, New()).TrySetResult();
    }

    private static TaskCompletionSource New() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
