using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace Pipeline.Api.Changes;

/// <summary>
/// One committed change to a resource, as the feed serves it and as a webhook delivers it (the body of the POST).
/// </summary>
/// <param name="Id">Unique across all changes; the <c>webhook-id</c> of its deliveries (a receiver dedupes by it).</param>
/// <param name="Sequence">The tenant's change counter: gap-free, ascending in commit order. 0 for a <c>webhook.test</c>.</param>
/// <param name="Type">What happened: <c>opportunity.created</c>, <c>opportunity.stage_changed</c>, <c>opportunity.won</c>,
/// <c>opportunity.lost</c>, <c>opportunity.reopened</c>, <c>opportunity.updated</c>, <c>stage.created</c>, <c>stage.updated</c>,
/// <c>stage.deleted</c>, <c>stage.reordered</c> (or <c>webhook.test</c>, to a webhook only).</param>
/// <param name="Timestamp">When it was committed (UTC).</param>
/// <param name="Data">The resource's id (<c>opportunityId</c> or <c>stageId</c>), <c>tenantId</c>, <c>actor</c> and the
/// members of its type (see the README's table).</param>
public sealed record ChangeDto(string Id, long Sequence, string Type, DateTimeOffset Timestamp, JsonElement Data);

/// <summary>A page of the feed.</summary>
/// <param name="Items">Changes after <c>after</c>, sequence ascending.</param>
/// <param name="LastSequence">Pass it back as <c>after</c> for the next page: the feed has been read up to it (with
/// <c>types</c>, changes of other types up to it were skipped, not lost).</param>
public sealed record ChangePage(IReadOnlyList<ChangeDto> Items, long LastSequence);

/// <summary>The types of change and the members of their data.</summary>
public static class ChangeTypes
{
    public const string OpportunityCreated = "opportunity.created";
    public const string OpportunityStageChanged = "opportunity.stage_changed";
    public const string OpportunityWon = "opportunity.won";
    public const string OpportunityLost = "opportunity.lost";
    public const string OpportunityReopened = "opportunity.reopened";
    public const string OpportunityUpdated = "opportunity.updated";
    public const string StageCreated = "stage.created";
    public const string StageUpdated = "stage.updated";
    public const string StageDeleted = "stage.deleted";
    public const string StageReordered = "stage.reordered";

    /// <summary>Sent to one webhook by <c>POST /webhooks/{id}/test</c>; never in the feed.</summary>
    public const string WebhookTest = "webhook.test";

    public static readonly IReadOnlyList<string> All =
    [
        OpportunityCreated, OpportunityStageChanged, OpportunityWon, OpportunityLost, OpportunityReopened, OpportunityUpdated,
        StageCreated, StageUpdated, StageDeleted, StageReordered,
    ];

    public static bool IsKnown(string type) => All.Contains(type, StringComparer.Ordinal);
}

/// <summary>Bound from the <c>Changes</c> section.</summary>
public sealed class ChangesOptions
{
    /// <summary>How long changes (and webhook deliveries) are kept; a reader further behind starts at the oldest kept.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00", ErrorMessage = "Changes:Retention must be between 01:00:00 and 3650.00:00:00.")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(30);

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "Changes:PurgeInterval must be between 00:00:01 and 7.00:00:00.")]
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromHours(1);

    [Range(1, 100_000, ErrorMessage = "Changes:PurgeBatchSize must be between 1 and 100000.")]
    public int PurgeBatchSize { get; set; } = 1000;
}
