namespace Pipeline.Api.Changes;

/// <summary>
/// Rings when a unit of work of this instance commits changes: long-polling feed readers answer at once and the
/// webhook dispatcher starts delivering. Other instances' commits are found by polling, a second at most later.
/// </summary>
public sealed class ChangeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next commit with changes. Take it before reading, so that no commit in between is missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public void Ring() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
