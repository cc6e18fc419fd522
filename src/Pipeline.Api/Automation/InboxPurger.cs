using System.ComponentModel.DataAnnotations;
using Dapper;
using Microsoft.Extensions.Options;
using Pipeline.Api.Data;

namespace Pipeline.Api.Automation;

/// <summary>Bound from the <c>Automation</c> section.</summary>
public sealed class AutomationOptions
{
    /// <summary>How long an event id or an Idempotency-Key is remembered (repeats within it get the first answer).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "3650.00:00:00",
        ErrorMessage = "Automation:InboxRetention must be between 00:01:00 and 3650.00:00:00: exactly-once delivery depends on it.")]
    public TimeSpan InboxRetention { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Automation:PurgeInterval must be between 00:00:01 and 7.00:00:00.")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100_000, ErrorMessage = "Automation:PurgeBatchSize must be between 1 and 100000.")]
    public int PurgeBatchSize { get; set; } = 500;
}

/// <summary>Deletes inbox rows past their retention, in small batches so that writers are never blocked for long.</summary>
public sealed partial class InboxPurger(
    ISqlDialect dialect, TimeProvider clock, IOptions<AutomationOptions> options, ILogger<InboxPurger> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PurgeInterval, clock);
        do
        {
            try
            {
                await PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                PurgeFailed(e);
            }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes every inbox event and idempotency key older than the retention; returns how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = (clock.GetUtcNow() - options.Value.InboxRetention).ToUnixTimeMilliseconds();
        var total = 0;
        foreach (var batch in new[] { Sql.PurgeEvents(dialect), Sql.PurgeKeys(dialect) })
        {
            int deleted;
            do
            {
                await using var connection = dialect.CreateConnection();
                deleted = await connection.ExecuteAsync(new CommandDefinition(batch,
                    new { Cutoff = cutoff, Limit = options.Value.PurgeBatchSize }, cancellationToken: ct));
                total += deleted;
            } while (deleted == options.Value.PurgeBatchSize);
        }
        if (total > 0) Purged(total);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} inbox events and idempotency keys past their retention")]
    private partial void Purged(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Inbox purge failed; it runs again at the next interval")]
    private partial void PurgeFailed(Exception exception);

    private static class Sql
    {
        public static string PurgeEvents(ISqlDialect dialect) => $"""
            DELETE FROM InboxEvents
            WHERE Id IN (SELECT Id FROM InboxEvents WHERE ReceivedAtMs < @Cutoff ORDER BY Id {dialect.LimitClause})
            """;

        public static string PurgeKeys(ISqlDialect dialect) => $"""
            DELETE FROM IdempotencyKeys
            WHERE Id IN (SELECT Id FROM IdempotencyKeys WHERE CreatedAtMs < @Cutoff ORDER BY Id {dialect.LimitClause})
            """;
    }
}
