using System.Data;
using Mediator;
using Polly;

namespace Pipeline.Api.Data;

/// <summary>
/// One connection, one transaction and one retry unit per command. A transient failure anywhere between
/// BEGIN and COMMIT rolls back and runs the whole unit again on fresh data, so a retry never half-applies.
/// The stage lock a command declares (<see cref="IChangesStages"/>, <see cref="IReadsStages"/>) is its first statement.
/// </summary>
public sealed class TransactionBehavior<TMessage, TResponse>(
    ISqlDialect dialect, DbSession session, IServiceProvider services,
    [FromKeyedServices(TransactionBehavior.RetryKey)] ResiliencePipeline retry)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICommand<TResponse>
{
    public ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken) =>
        retry.ExecuteAsync(async ct =>
        {
            await using var connection = dialect.CreateConnection();
            await connection.OpenAsync(ct);
            // SQLite: BEGIN IMMEDIATE either way (the driver's default), so writers queue on the busy timeout instead of failing.
            // SQL Server: read committed, or serializable for the commands whose reads must hold until commit.
            await using var transaction = await connection.BeginTransactionAsync(
                message is ISerializableCommand ? IsolationLevel.Serializable : IsolationLevel.Unspecified, ct);
            session.Begin(connection, transaction);
            try
            {
                if (StageLock.For(message, dialect) is { } lockSql)
                    await session.ExecuteAsync(lockSql, new { services.GetRequiredService<Tenancy.Caller>().TenantId }, ct);
                var response = await next(message, ct);
                await transaction.CommitAsync(ct);
                return response;
            }
            finally
            {
                session.End();
            }
        }, cancellationToken);
}

/// <summary>
/// A command whose statements read a set and then change it (e.g. record history for every opportunity of a stage,
/// then move them): on SQL Server it runs serializable, so no row can join the set in between.
/// </summary>
public interface ISerializableCommand;

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
