using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>What the stage commands share, inside the command's unit of work: load with If-Match, save with audit.</summary>
public sealed class StageStore(DbSession db, StageAuditLog audit, Caller caller, TimeProvider clock)
{
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<IReadOnlyList<StageRow>> AllAsync(CancellationToken ct) =>
        (await db.QueryAsync<StageRow>(StageSql.All, new { caller.TenantId }, ct)).ToList();

    /// <summary>Every stage of the tenant, and the one the command changes, checked against the caller's If-Match.</summary>
    public async Task<(StageRow Stage, IReadOnlyList<StageRow> All)> LoadAsync(long id, long? expectedVersion, CancellationToken ct)
    {
        var all = await AllAsync(ct);
        var stage = Find(all, id);
        ETags.Check(expectedVersion, stage.Version, "stage");
        return (stage, all);
    }

    public static StageRow Find(IReadOnlyList<StageRow> stages, long id) =>
        stages.FirstOrDefault(s => s.Id == id) ?? throw new NotFoundException("Stage", id);

    /// <summary>A stage named in a request body: one that does not exist is a request that can never apply (422).</summary>
    public static StageRow Named(IReadOnlyList<StageRow> stages, long stageId) =>
        stages.FirstOrDefault(s => s.Id == stageId).OrBroken(() => Pipelines.UnknownStage(stageId));

    public async Task<IReadOnlyList<long?>> TeamsInStageAsync(long stageId, CancellationToken ct) =>
        (await db.QueryAsync<long?>(StageSql.TeamsInStage, new { caller.TenantId, StageId = stageId }, ct)).ToList();

    /// <summary>The automation rules that move opportunities into this stage: (rule id, the rule's team).</summary>
    public async Task<IReadOnlyList<(long RuleId, long? TeamId)>> RulesTargetingAsync(long stageId, CancellationToken ct) =>
        (await db.QueryAsync<(long RuleId, long? TeamId)>(
            StageSql.RulesTargeting, new { caller.TenantId, StageId = stageId }, ct)).ToList();

    /// <summary>
    /// Writes the stage's new settings and audits them against <paramref name="before"/>. When its probability or
    /// automatic flag changed, rule 5 holds again: returns how many opportunities took the stage's probability.
    /// </summary>
    public async Task<int> SaveAsync(StageRow stage, StageRow before, CancellationToken ct)
    {
        var now = Now;
        await db.ExecuteAsync(StageSql.Update, new
        {
            caller.TenantId, stage.Id, stage.Name, stage.TeamId, stage.Folded, stage.ProbabilityBp, stage.AutoProbability,
            stage.RottingDays, Now = now,
        }, ct);
        stage.Version++;
        var probabilityChanged = (stage.ProbabilityBp, stage.AutoProbability) != (before.ProbabilityBp, before.AutoProbability);
        var reassigned = probabilityChanged && stage is { AutoProbability: true, IsClosing: false, ProbabilityBp: { } bp }
            ? await db.ExecuteAsync(StageSql.Reassign, new { caller.TenantId, StageId = stage.Id, ProbabilityBp = bp, Now = now }, ct)
            : 0;
        // One change for the stage, carrying the count: a reassignment of 100k opportunities is not 100k changes.
        await audit.RecordAsync(stage, StageAuditAction.Updated, StageAuditLog.Snapshot(before), StageAuditLog.Snapshot(stage), ct,
            probabilityChanged ? reassigned : null);
        return reassigned;
    }
}
