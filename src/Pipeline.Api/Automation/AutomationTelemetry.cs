using System.Diagnostics.Metrics;

namespace Pipeline.Api.Automation;

/// <summary>One structured log line per delivered event, and counters of moved / ignored / replayed events by reason.</summary>
public sealed partial class AutomationTelemetry(IMeterFactory meters, ILogger<AutomationTelemetry> logger)
{
    public const string MeterName = "Pipeline.Api.Automation";

    private readonly Counter<long> _events = meters.Create(MeterName)
        .CreateCounter<long>(
            "pipeline.automation.events", unit: "{event}", description: "Business events received, by outcome and reason.");

    public void Record(string tenantId, IngestEventBody delivered, EventOutcome outcome)
    {
        var result = outcome.Replayed ? "replayed" : Data.EnumText.Of(outcome.Outcome);
        var reason = outcome.Reason is { } r ? Data.EnumText.Of(r) : "none";
        _events.Add(1, new KeyValuePair<string, object?>("outcome", result), new KeyValuePair<string, object?>("reason", reason));
        Received(tenantId, delivered.EventId, delivered.Type, delivered.OpportunityId, result, reason, outcome.RuleId, outcome.ToStageId);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Event {EventId} ({EventType}) for tenant {TenantId}, opportunity {OpportunityId}: "
                  + "{Outcome} ({Reason}), rule {RuleId}, to stage {ToStageId}")]
    private partial void Received(
        string tenantId, string eventId, string eventType, long opportunityId, string outcome, string reason, long? ruleId,
        long? toStageId);
}
