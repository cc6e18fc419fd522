using Dapper;

namespace Pipeline.Api.Data;

/// <summary>
/// Deletes rows past their retention at an interval, in small batches so that writers are never blocked for long.
/// A failed round is logged and runs again at the next interval.
/// </summary>
public abstract partial class Retention(ISqlDialect dialect, TimeProvider clock, ILogger logger) : BackgroundService
{
    protected abstract TimeSpan Interval { get; }

    /// <summary>How long rows are kept.</summary>
    protected abstract TimeSpan Kept { get; }

    protected abstract int BatchSize { get; }

    /// <summary>What is purged, for the log line ("inbox events and idempotency keys").</summary>
    protected abstract string What { get; }

    /// <summary>What is purged, table by table, in this order.</summary>
    protected abstract IEnumerable<Expiring> Tables { get; }

    /// <summary>
    /// Rows of <paramref name="Table"/> expire when their <paramref name="Time"/> (Unix ms) is past the retention,
    /// and <paramref name="Also"/> (a SQL condition, or null) holds.
    /// </summary>
    public sealed record Expiring(string Table, string Time, string? Also = null);

    /// <summary>Deletes everything older than <see cref="Kept"/>, batch by batch; returns how many rows.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = (clock.GetUtcNow() - Kept).ToUnixTimeMilliseconds();
        var total = 0;
        foreach (var table in Tables) total += await DeleteInBatchesAsync(BatchDelete(dialect, table), cutoff, BatchSize, ct);
        if (total > 0) Purged(logger, total, What);
        return total;
    }

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

    /// <summary>One batch: the oldest ids first, at most <c>@Limit</c> of them, expired at <c>@Cutoff</c>.</summary>
    public static string BatchDelete(ISqlDialect dialect, Expiring rows) => $"""
        DELETE FROM {rows.Table}
        WHERE Id IN (SELECT Id FROM {rows.Table} WHERE {rows.Time} < @Cutoff{(rows.Also is null ? "" : " AND " + rows.Also)}
                     ORDER BY Id {dialect.LimitClause})
        """;

    /// <summary>Runs a batch DELETE (<c>@Cutoff</c>, <c>@Limit</c>) until a batch deletes fewer than the limit.</summary>
    private async Task<int> DeleteInBatchesAsync(string batch, long cutoff, int limit, CancellationToken ct)
    {
        int deleted, total = 0;
        do
        {
            // Each batch is a write: where the engine has one writer it queues with the commands, not against them.
            var command = new CommandDefinition(batch, new { Cutoff = cutoff, Limit = limit }, cancellationToken: ct);
            deleted = await dialect.QueueWriteAsync(async () =>
            {
                await using var connection = dialect.CreateConnection();
                return await connection.ExecuteAsync(command);
            }, ct);
            total += deleted;
        } while (deleted == limit);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} {What} past their retention")]
    private static partial void Purged(ILogger logger, int count, string what);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Purger} failed; it runs again at the next interval")]
    private static partial void PurgeFailed(ILogger logger, string purger, Exception exception);
}
