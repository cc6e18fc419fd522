using System.ComponentModel.DataAnnotations;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
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
/// <param name="EventType">
/// Dotted lower-case event name: `quote.issued`, `estimate.generated`, `email.sent`, `technical_visit.scheduled`…
/// </param>
/// <param name="TargetStageId">An open stage of the rule's team's pipeline.</param>
/// <param name="TeamId">Only this team's opportunities; omitted or null for every team.</param>
/// <param name="ForwardOnly">Never move an opportunity back to an earlier column (default true).</param>
/// <param name="Enabled">Default true.</param>
public sealed record AutomationRuleBody(
    [property: Required, StringLength(AutomationPolicy.MaxEventTypeLength), EventType("eventType")] string EventType,
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

    public AutomationRuleFacts Facts => new(Id, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence);

    public AutomationRuleDto ToDto() => new(Id, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version);
}

/// <summary>The statements on automation rules that more than one use case runs.</summary>
public static class AutomationRuleSql
{
    public const string Columns = "Id, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version";

    public const string All = $"SELECT {Columns} FROM AutomationRules WHERE TenantId = @TenantId ORDER BY Sequence, Id";
}

/// <summary>What the rule commands share, inside the command's unit of work.</summary>
public sealed class AutomationRuleStore(DbSession db, StageStore stages, Caller caller, TimeProvider clock)
{
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<IReadOnlyList<AutomationRuleRow>> AllAsync(CancellationToken ct) =>
        (await db.QueryAsync<AutomationRuleRow>(AutomationRuleSql.All, new { caller.TenantId }, ct)).ToList();

    public async Task<AutomationRuleRow> LoadAsync(long id, long? expectedVersion, CancellationToken ct)
    {
        var rule = (await AllAsync(ct)).FirstOrDefault(r => r.Id == id) ?? throw new NotFoundException("Automation rule", id);
        ETags.Check(expectedVersion, rule.Version, "automation rule");
        return rule;
    }

    /// <summary>A rule's target must exist and be an open stage of the rule's team's pipeline.</summary>
    public async Task CheckTargetAsync(AutomationRuleBody rule, CancellationToken ct)
    {
        var target = StageStore.Named(await stages.AllAsync(ct), rule.TargetStageId!.Value);
        AutomationPolicy.CheckTarget(target.Facts, rule.TeamId).ThrowIfBroken();
    }

    /// <summary>The body's settings on a row, and the parameters that write them.</summary>
    public object Apply(AutomationRuleRow row, AutomationRuleBody body)
    {
        row.EventType = body.EventType;
        row.TargetStageId = body.TargetStageId!.Value;
        row.TeamId = body.TeamId;
        row.ForwardOnly = body.ForwardOnly;
        row.Enabled = body.Enabled;
        return new
        {
            caller.TenantId, row.Id, row.EventType, row.TargetStageId, row.TeamId, row.ForwardOnly, row.Enabled, row.Sequence, Now,
        };
    }
}

/// <summary>Reads the rules, in the order they are tried.</summary>
public sealed class AutomationRuleQueries(Reads reads, Caller caller)
{
    public async Task<IReadOnlyList<AutomationRuleDto>> ListAsync(CancellationToken ct) =>
        (await reads.QueryAsync<AutomationRuleRow>(AutomationRuleSql.All, new { caller.TenantId }, ct)).Select(r => r.ToDto()).ToList();

    public async Task<AutomationRuleDto> GetAsync(long id, CancellationToken ct) =>
        (await ListAsync(ct)).FirstOrDefault(r => r.Id == id) ?? throw new NotFoundException("Automation rule", id);
}
