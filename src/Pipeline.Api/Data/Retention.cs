using Dapper;

namespace Pipeline.Api.Data;

/// <summary>
/// Deletes rows past their retention at an interval, in small batches so that writers are never blocked for long.
/// A failed round is logged and runs again at the next interval.
/// </summary>
public abstract partial class Retention(ISqlDialect dialect, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected ISqlDialect Dialect => dialect;

    protected TimeProvider Clock => clock;

    protected abstract TimeSpan Interval { get; }

    /// <summary>Deletes everything past its retention; returns how many rows.</summary>
    public abstract Task<int> PurgeAsync(CancellationToken ct);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PurgeFailed(logger, GetType().Name, e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Runs a batch DELETE (<c>@Cutoff</c>, <c>@Limit</c>) until a batch deletes fewer than the limit.</summary>
    protected async Task<int> DeleteInBatchesAsync(string batch, long cutoff, int limit, CancellationToken ct)
    {
        int deleted, total = 0;
        do
        {
            // Each batch is a write: where the engine has one writer it queues with the commands, not against them.
            if (dialect.WriteGate is { } gate) await gate.WaitAsync(ct);
            try
            {
                await using var connection = dialect.CreateConnection();
                var command = new CommandDefinition(batch, new { Cutoff = cutoff, Limit = limit }, cancellationToken: ct);
                deleted = await connection.ExecuteAsync(command);
            }
            finally
            {
                dialect.WriteGate?.Release();
            }
            total += deleted;
        } while (deleted == limit);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Purger} failed; it runs again at the next interval")]
    private static partial void PurgeFailed(ILogger logger, string purger, Exception exception);
}
