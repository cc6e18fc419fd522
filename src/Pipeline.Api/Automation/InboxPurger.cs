using System.ComponentModel.DataAnnotations;
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

/// <summary>Deletes inbox events and idempotency keys past <c>Automation:InboxRetention</c>.</summary>
public sealed class InboxPurger(
    ISqlDialect dialect, TimeProvider clock, IOptions<AutomationOptions> options, ILogger<InboxPurger> logger)
    : Retention(dialect, clock, logger)
{
    protected override TimeSpan Interval => options.Value.PurgeInterval;
    protected override TimeSpan Kept => options.Value.InboxRetention;
    protected override int BatchSize => options.Value.PurgeBatchSize;
    protected override string What => "inbox events and idempotency keys";
    protected override IEnumerable<Expiring> Tables => Purged;

    public static IReadOnlyList<Expiring> Purged { get; } = [new("InboxEvents", "ReceivedAtMs"), new("IdempotencyKeys", "CreatedAtMs")];
}
