using Mediator;
using Pipeline.Api.Changes;
using Polly;

namespace Pipeline.Api.Data;

/// <summary>
/// One connection, one transaction and one retry unit per command. A transient failure anywhere between BEGIN and
/// COMMIT rolls back and runs the whole unit again on fresh data, so a retry never half-applies. The stage lock a
/// command declares (<see cref="IChangesStages"/>, <see cref="IReadsStages"/>) is its first statement; the changes it
/// made (<see cref="ChangeLog"/>) are its last, so they are published exactly when it commits.
/// A failure of COMMIT itself leaves the outcome unknown: only a replay-safe command runs again (it finds its first
/// answer); any other answers <see cref="CommitOutcomeUnknownException"/> rather than risk applying twice.
/// </summary>
public sealed class TransactionBehavior<TMessage, TResponse>(
    ISqlDialect dialect, DbSession session, ChangeLog changes, ChangeSignal signal, IServiceProvider services,
    [FromKeyedServices(TransactionBehavior.RetryKey)] ResiliencePipeline retry)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICommand<TResponse>
{
    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(async ct => await dialect.QueueWriteAsync(() => RunAsync(message, next, ct), ct), cancellationToken);

    private async Task<TResponse> RunAsync(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        await using var connection = dialect.CreateConnection();
        await connection.OpenAsync(ct);
        // Read committed on the server engines; on SQLite, BEGIN IMMEDIATE (the write gate has already queued writers).
        await using var transaction = await connection.BeginTransactionAsync(ct);
        TResponse response;
        Published published;
        changes.Reset();
        session.Begin(connection, transaction);
        try
        {
            if (StageLock.For(message, dialect) is { } lockSql)
                await session.ExecuteAsync(lockSql, new { services.GetRequiredService<Tenancy.Caller>().TenantId }, ct);
            response = await next(message, ct);
            // The outbox last: the tenant's change counter stays locked only from here to COMMIT.
            published = await changes.FlushAsync(ct);
        }
        finally
        {
            session.End();
        }
        try
        {
            await dialect.CommitAsync(transaction, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && !CanRunAgain(message, e))
        {
            throw new CommitOutcomeUnknownException(e);
        }
        signal.Ring(published);
        return response;
    }

    /// <summary>Only a replay-safe command, after a failure worth retrying, runs again once COMMIT may have been applied.</summary>
    private bool CanRunAgain(TMessage message, Exception failure) =>
        message is IReplaySafe { CanReplay: true } && TransientErrors.IsTransient(dialect, failure);
}

/// <summary>
/// A command that, run again after a commit that did succeed, finds its first answer and changes nothing: an event
/// with its id, a create with its Idempotency-Key. Only these are retried when COMMIT itself fails.
/// </summary>
public interface IReplaySafe
{
    bool CanReplay { get; }
}

/// <summary>COMMIT failed (e.g. the connection dropped): the change may or may not have been applied.</summary>
public sealed class CommitOutcomeUnknownException(Exception inner)
    : Exception("The change may or may not have been saved: the connection to the database failed while committing.", inner);

public static class TransactionBehavior
{
    public const string RetryKey = "unit-of-work";

    public static ResiliencePipeline BuildRetry(ISqlDialect dialect) => new ResiliencePipelineBuilder()
        .AddRetry(new Polly.Retry.RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => TransientErrors.IsTransient(dialect, e)),
            MaxRetryAttempts = 6,
            Delay = TimeSpan.FromMilliseconds(20),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
        })
        .Build();
}
