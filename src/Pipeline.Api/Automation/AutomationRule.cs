using System.ComponentModel.DataAnnotations;
using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Automation;

/// <summary>Moves opportunities to a stage when a business event is reported.</summary>
/// <param name="Id">Rule id.</param>
/// <param name="EventType">The event it reacts to, e.g. `quote.issued`.</param>
/// <param name="TargetStageId">Where it moves the opportunity.</param>
/// <param name="TeamId">Only this team's opportunities; null for every team.</param>
/// <param name="ForwardOnly">Never moves an opportunity back to an earlier column.</param>
/// <param name="Enabled">A disabled rule is kept but applies to nothing.</param>
/// <param name="Sequence">Rules are tried in sequence order; the first that applies wins.</param>
/// <param name="Version">Concurrency version, also served as the strong ETag.</param>
public sealed record AutomationRuleDto(
    long Id, string EventType, long TargetStageId, long? TeamId, bool ForwardOnly, bool Enabled, int Sequence, long Version) : IVersioned;

/// <summary>A rule as created or replaced.</summary>
/// <param name="EventType">Dotted lower-case event name: `quote.issued`, `estimate.generated`, `email.sent`, `technical_visit.scheduled`…</param>
/// <param name="TargetStageId">An open stage of the rule's team's pipeline.</param>
/// <param name="TeamId">Only this team's opportunities; omitted or null for every team.</param>
/// <param name="ForwardOnly">Never move an opportunity back to an earlier column (default true).</param>
/// <param name="Enabled">Default true.</param>
public sealed record AutomationRuleBody(
    [property: Required, StringLength(AutomationPolicy.MaxEventTypeLength), RegularExpression(AutomationPolicy.EventTypePattern, ErrorMessage = "eventType must be a dotted lower-case name such as quote.issued.")] string EventType,
    [property: Required] long? TargetStageId,
    long? TeamId = null,
    bool ForwardOnly = true,
    bool Enabled = true);

public sealed class AutomationRuleRow
{
    public long Id { get; set; }
    public string EventType { get; set; } = "";
    public long TargetStageId { get; set; }
    public long? TeamId { get; set; }
    public bool ForwardOnly { get; set; }
    public bool Enabled { get; set; }
    public int Sequence { get; set; }
    public long Version { get; set; }

    public const string Columns = "Id, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version";

    public AutomationRuleFacts Facts => new(Id, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence);

    public AutomationRuleDto ToDto() => new(Id, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version);
}

/// <summary>Statements the rule commands share.</summary>
public sealed class AutomationRuleStore(DbSession db, Caller caller)
{
    public async Task<IReadOnlyList<AutomationRuleRow>> AllAsync(CancellationToken ct) =>
        (await db.QueryAsync<AutomationRuleRow>(Sql.All, new { caller.TenantId }, ct)).ToList();

    /// <summary>The rules for one event type, in the order they are tried.</summary>
    public async Task<IReadOnlyList<AutomationRuleRow>> ForEventAsync(string eventType, CancellationToken ct) =>
        (await db.QueryAsync<AutomationRuleRow>(Sql.ForEvent, new { caller.TenantId, EventType = eventType }, ct)).ToList();

    public async Task<AutomationRuleRow> LoadAsync(long id, long? expectedVersion, CancellationToken ct)
    {
        var rule = (await AllAsync(ct)).FirstOrDefault(r => r.Id == id) ?? throw new NotFoundException("Automation rule", id);
        ETags.Check(expectedVersion, rule.Version, "automation rule");
        return rule;
    }

    internal static class Sql
    {
        public const string All = $"SELECT {AutomationRuleRow.Columns} FROM AutomationRules WHERE TenantId = @TenantId ORDER BY Sequence, Id";

        public const string ForEvent = $"""
            SELECT {AutomationRuleRow.Columns} FROM AutomationRules
            WHERE TenantId = @TenantId AND EventType = @EventType
            ORDER BY Sequence, Id
            """;
    }
}

/// <summary>Reads the rules, in the order they are tried.</summary>
public sealed class AutomationRuleQueries(Reads reads, Caller caller)
{
    public async Task<IReadOnlyList<AutomationRuleDto>> ListAsync(CancellationToken ct) =>
        (await reads.QueryAsync<AutomationRuleRow>(AutomationRuleStore.Sql.All, new { caller.TenantId }, ct)).Select(r => r.ToDto()).ToList();

    public async Task<AutomationRuleDto> GetAsync(long id, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(r => r.Id == id) ?? throw new NotFoundException("Automation rule", id);
}
