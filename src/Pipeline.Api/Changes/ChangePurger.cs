using Microsoft.Extensions.Options;
using Pipeline.Api.Data;

namespace Pipeline.Api.Changes;

/// <summary>Deletes changes and webhook deliveries past <c>Changes:Retention</c>; a pending delivery waits until it is done.</summary>
public sealed partial class ChangePurger(
    ISqlDialect dialect, TimeProvider clock, IOptions<ChangesOptions> options, ILogger<ChangePurger> logger)
    : Retention(dialect, clock, logger)
{
    protected override TimeSpan Interval => options.Value.PurgeInterval;

    public override async Task<int> PurgeAsync(CancellationToken ct)
    {
        var cutoff = (Clock.GetUtcNow() - options.Value.Retention).ToUnixTimeMilliseconds();
        var total = await DeleteInBatchesAsync(Sql.PurgeDeliveries(Dialect), cutoff, options.Value.PurgeBatchSize, ct)
                    + await DeleteInBatchesAsync(Sql.PurgeChanges(Dialect), cutoff, options.Value.PurgeBatchSize, ct);
        if (total > 0) Purged(total);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} changes and webhook deliveries past their retention")]
    private partial void Purged(int count);

    private static class Sql
    {
        public static string PurgeDeliveries(ISqlDialect dialect) => $"""
            DELETE FROM WebhookDeliveries
            WHERE Id IN (SELECT Id FROM WebhookDeliveries WHERE CreatedAtMs < @Cutoff AND Status <> 'pending'
                         ORDER BY Id {dialect.LimitClause})
            """;

        public static string PurgeChanges(ISqlDialect dialect) => $"""
            DELETE FROM Changes
            WHERE Id IN (SELECT Id FROM Changes WHERE OccurredAtMs < @Cutoff ORDER BY Id {dialect.LimitClause})
            """;
    }
}
