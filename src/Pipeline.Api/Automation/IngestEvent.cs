using System.ComponentModel.DataAnnotations;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Mediator;
using Microsoft.Extensions.Options;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Pipeline.Api.Automation;

/// <summary>A business event another OpenFire module reports.</summary>
/// <param name="EventId">The sender's unique id for this event: the idempotency key.</param>
/// <param name="Type">
/// Dotted lower-case event name: `quote.issued`, `estimate.generated`, `technical_visit.scheduled`, `email.sent`…
/// </param>
/// <param name="OpportunityId">The opportunity it concerns.</param>
/// <param name="OccurredAt">When it happened at the sender.</param>
/// <param name="Data">Free JSON object kept with the event (e.g. the quote number).</param>
public sealed record IngestEventBody(
    [property: Required, StringLength(100, MinimumLength = 1), Identifier] string EventId,
    [property: Required, StringLength(AutomationPolicy.MaxEventTypeLength), EventType("type")] string Type,
    long OpportunityId,
    DateTimeOffset OccurredAt,
    JsonElement? Data = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Data is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null })
            yield return new ValidationResult("data must be a JSON object.", ["data"]);
    }
}

/// <summary>
/// Applies an event exactly once: the inbox row (event id, payload fingerprint, answer) is written in the same
/// transaction as the move. A redelivery returns the stored answer; the same id with another payload is refused.
/// Two deliveries racing: the loser hits the inbox key, its unit of work runs again and finds the stored answer.
/// </summary>
public sealed record IngestEvent(IngestEventBody Body) : ICommand<EventOutcome>, IReadsStages, IReplaySafe, IDocumented
{
    /// <summary>The inbox makes every delivery of an event id answer the same: a replay after a commit finds it.</summary>
    public bool CanReplay => true;

    private static readonly DateTimeOffset ExampleTime = new(2026, 11, 29, 9, 30, 0, TimeSpan.Zero);

    /// <summary>One event of each kind the other OpenFire modules report.</summary>
    public static readonly IReadOnlyDictionary<string, object> Examples = new Dictionary<string, object>
    {
        ["quote.issued"] = new
        {
            eventId = "devis-2026-0412", type = "quote.issued", opportunityId = 42, occurredAt = ExampleTime,
            data = new { quoteNumber = "D-2026-0412", amount = 18450.00m },
        },
        ["estimate.generated"] = new
        {
            eventId = "estimation-7781", type = "estimate.generated", opportunityId = 42, occurredAt = ExampleTime,
        },
        ["technical_visit.scheduled"] = new
        {
            eventId = "vt-5521-planifiee", type = "technical_visit.scheduled", opportunityId = 42, occurredAt = ExampleTime,
            data = new { visitDate = "2026-12-03" },
        },
        ["technical_visit.completed"] = new
        {
            eventId = "vt-5521-realisee", type = "technical_visit.completed", opportunityId = 42, occurredAt = ExampleTime,
        },
        ["email.sent"] = new
        {
            eventId = "mail-90311", type = "email.sent", opportunityId = 42, occurredAt = ExampleTime,
            data = new { subject = "Votre devis" },
        },
    };

    public static EndpointDoc Doc { get; } = new(
        "Report a business event",
        "Applies the first matching automation rule, exactly once per eventId: a redelivery gets the same answer and moves nothing; "
        + "the same eventId with another payload is refused (422). An unknown opportunity is 404 and nothing is recorded, "
        + "so the sender can retry.")
    {
        Examples = Examples,
        Problems = [400, 404, 422],
    };
}

public enum EventResult { Moved, Ignored }

/// <summary>What an event did. A replay of the same event answers exactly the same.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Outcome">`moved` or `ignored`.</param>
/// <param name="Reason">
/// Why it was ignored: no_matching_rule, rule_disabled, target_outside_pipeline, target_not_forward, opportunity_closed.
/// </param>
/// <param name="OpportunityId">The opportunity.</param>
/// <param name="RuleId">The rule that moved it (or the rule considered, when one was).</param>
/// <param name="FromStageId">The stage it was in.</param>
/// <param name="ToStageId">The stage it is in now, when moved.</param>
/// <param name="Probability">Its probability after the move.</param>
public sealed record EventOutcome(
    string EventId, EventResult Outcome, IgnoredReason? Reason, long OpportunityId, long? RuleId, long? FromStageId, long? ToStageId,
    decimal? Probability)
{
    /// <summary>True when this answer was stored by an earlier delivery (not serialised: replays are byte-identical).</summary>
    [JsonIgnore]
    public bool Replayed { get; init; }
}

public sealed class IngestEventHandler(
    OpportunityStore opportunities, DbSession db, Caller caller, IOptions<JsonOptions> json, AutomationTelemetry telemetry)
    : ICommandHandler<IngestEvent, EventOutcome>
{
    public async ValueTask<EventOutcome> Handle(IngestEvent command, CancellationToken ct)
    {
        var outcome = await ApplyOnceAsync(command.Body, ct);
        telemetry.Record(caller.TenantId, command.Body, outcome);
        return outcome;
    }

    private async Task<EventOutcome> ApplyOnceAsync(IngestEventBody command, CancellationToken ct)
    {
        var payload = CanonicalJson.Of(Payload(command));
        var fingerprint = Fingerprint(payload);
        var stored = await db.QuerySingleOrDefaultAsync<InboxRow>(Sql.Find, new { caller.TenantId, command.EventId }, ct);
        if (stored is not null)
        {
            // Rows stored before the canonical form carry the fingerprint of the JSON as it was serialised then.
            var same = stored.Fingerprint == fingerprint
                       || stored.Fingerprint == Fingerprint(JsonSerializer.Serialize(Payload(command), json.Value.SerializerOptions));
            AutomationPolicy.CheckSameEvent(command.EventId, same).ThrowIfBroken();
            return JsonSerializer.Deserialize<EventOutcome>(stored.Response, json.Value.SerializerOptions)! with { Replayed = true };
        }

        var opportunity = await opportunities.LoadAsync(command.OpportunityId, null, ct);
        var from = opportunity.StageId;
        var stages = await opportunities.StagesAsync(ct);
        var rules = await db.QueryAsync<AutomationRuleRow>(Sql.RulesFor, new { caller.TenantId, EventType = command.Type }, ct);
        var decision = AutomationPolicy.Decide(
            command.Type, opportunity.Facts, rules.Select(r => r.Facts), stages.Select(s => s.Facts).ToList());

        var outcome = decision switch
        {
            AutomationDecision.Move move => await MoveAsync(command, opportunity, stages, move, ct),
            AutomationDecision.Ignore ignore =>
                new EventOutcome(command.EventId, EventResult.Ignored, ignore.Reason, opportunity.Id, ignore.RuleId, from, null, null),
            _ => throw new InvalidOperationException($"Unknown decision {decision}"),
        };

        try
        {
            await db.ExecuteAsync(Sql.Record, new
            {
                caller.TenantId, command.EventId, Fingerprint = fingerprint, EventType = command.Type, Payload = payload,
                Response = JsonSerializer.Serialize(outcome, json.Value.SerializerOptions), Now = opportunities.Now,
            }, ct);
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            // Another delivery of this event committed first: run again and answer what it stored.
            throw new ConcurrentUpdateException($"Event {command.EventId}");
        }
        return outcome;
    }

    private async Task<EventOutcome> MoveAsync(
        IngestEventBody command, OpportunityRow opportunity, IReadOnlyList<StageRow> stages, AutomationDecision.Move move,
        CancellationToken ct)
    {
        var from = opportunity.StageId;
        var target = stages.Single(s => s.Id == move.Target.Id);
        await opportunities.EnterAsync(opportunity, stages, target, HistoryCause.Automation, ct, move.Rule.Id, command.EventId);
        return new EventOutcome(command.EventId, EventResult.Moved, null, opportunity.Id, move.Rule.Id, from, target.Id,
            Hundredths.ToPercent(opportunity.ProbabilityBp));
    }

    /// <summary>
    /// The event as fingerprinted and kept, in canonical JSON (RFC 8785's member order and shortest numbers): the
    /// same event re-serialised by its sender — members in another order, <c>100.0</c> for <c>100</c>, the same
    /// instant in another offset — is the same event.
    /// </summary>
    private static object Payload(IngestEventBody e) => new
    {
        type = e.Type,
        opportunityId = e.OpportunityId,
        occurredAt = e.OccurredAt.ToUniversalTime(),
        data = e.Data,
    };

    private static string Fingerprint(string payload) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(payload)));

    private sealed class InboxRow
    {
        public string Fingerprint { get; init; } = "";
        public string Response { get; init; } = "";
    }

    private static class Sql
    {
        /// <summary>The rules for one event type, in the order they are tried.</summary>
        public const string RulesFor = $"""
            SELECT {AutomationRuleSql.Columns} FROM AutomationRules
            WHERE TenantId = @TenantId AND EventType = @EventType
            ORDER BY Sequence, Id
            """;

        public const string Find = "SELECT Fingerprint, Response FROM InboxEvents WHERE TenantId = @TenantId AND EventId = @EventId";

        public const string Record = """
            INSERT INTO InboxEvents (TenantId, EventId, Fingerprint, EventType, Payload, Response, ReceivedAtMs)
            VALUES (@TenantId, @EventId, @Fingerprint, @EventType, @Payload, @Response, @Now)
            """;
    }
}
