using Microsoft.Extensions.Options;
using Pipeline.Api.Data;

namespace Pipeline.Api.Changes;

/// <summary>Deletes changes and webhook deliveries past <c>Changes:Retention</c>; a pending delivery waits until it is done.</summary>
public sealed class ChangePurger(
    ISqlDialect dialect, TimeProvider clock, IOptions<ChangesOptions> options, ILogger<ChangePurger> logger)
    : Retention(dialect, clock, logger)
{
    protected override TimeSpan Interval => options.Value.PurgeInterval;
    protected override TimeSpan Kept => options.Value.Retention;
    protected override int BatchSize => options.Value.PurgeBatchSize;
    protected override string What => "changes and webhook deliveries";
    protected override IEnumerable<Expiring> Tables => Purged;

    public static IReadOnlyList<Expiring> Purged { get; } =
        [new("WebhookDeliveries", "CreatedAtMs", Also: "Status <> 'pending'"), new("Changes", "OccurredAtMs")];
}
