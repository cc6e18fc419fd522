using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>The statements every stage command shares, run inside the command's unit of work.</summary>
public sealed class StageStore(DbSession db, Caller caller, TimeProvider clock)
{
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Serialises the tenant's stage configuration commands (names, order, teams are checked against all stages),
    /// with a portable row lock: the first write of the transaction.
    /// </summary>
    public Task LockAsync(CancellationToken ct) => db.ExecuteAsync(Sql.Lock, new { caller.TenantId }, ct);

    public async Task<IReadOnlyList<StageRow>> AllAsync(CancellationToken ct) =>
        (await db.QueryAsync<StageRow>(Sql.All, new { caller.TenantId }, ct)).ToList();

    public static StageRow Find(IReadOnlyList<StageRow> stages, long id) =>
        stages.FirstOrDefault(s => s.Id == id) ?? throw new NotFoundException("Stage", id);

    /// <summary>A stage named in a request body: one that does not exist (for this tenant) can never be used.</summary>
    public static StageRow Named(IReadOnlyList<StageRow> stages, long stageId) =>
        stages.FirstOrDefault(s => s.Id == stageId)
        ?? throw new RuleViolationException(new RuleViolation("unknown-stage", $"Stage {stageId} does not exist.", ViolationKind.Unprocessable));

    public async Task<IReadOnlyList<long?>> TeamsInStageAsync(long stageId, CancellationToken ct) =>
        (await db.QueryAsync<long?>(Sql.TeamsInStage, new { caller.TenantId, StageId = stageId }, ct)).ToList();

    /// <summary>The automation rules that move opportunities into this stage: (rule id, the rule's team).</summary>
    public async Task<IReadOnlyList<(long RuleId, long? TeamId)>> RulesTargetingAsync(long stageId, CancellationToken ct) =>
        (await db.QueryAsync<(long RuleId, long? TeamId)>(Sql.RulesTargeting, new { caller.TenantId, StageId = stageId }, ct)).ToList();

    public Task UpdateAsync(StageRow stage, CancellationToken ct) =>
        db.ExecuteAsync(Sql.Update, new
        {
            caller.TenantId,
            stage.Id,
            stage.Name,
            stage.TeamId,
            stage.Folded,
            stage.ProbabilityBp,
            stage.AutoProbability,
            stage.RottingDays,
            Now,
        }, ct);

    /// <summary>Rule 5: one set-based statement gives every stage-sourced open opportunity the stage's probability.</summary>
    public Task<int> ReassignAsync(StageRow stage, CancellationToken ct) =>
        stage is { AutoProbability: true, IsClosing: false, ProbabilityBp: { } bp }
            ? db.ExecuteAsync(Sql.Reassign, new { caller.TenantId, StageId = stage.Id, ProbabilityBp = bp, Now }, ct)
            : Task.FromResult(0);

    internal static class Sql
    {
        public const string Lock = "UPDATE Tenants SET StagesRevision = StagesRevision + 1 WHERE Id = @TenantId";

        public const string All = $"SELECT {StageRow.Columns} FROM Stages WHERE TenantId = @TenantId ORDER BY Sequence, Id";

        public const string RulesTargeting = "SELECT Id AS RuleId, TeamId FROM AutomationRules WHERE TenantId = @TenantId AND TargetStageId = @StageId ORDER BY Id";

        public const string TeamsInStage = "SELECT DISTINCT TeamId FROM Opportunities WHERE TenantId = @TenantId AND StageId = @StageId";

        public const string Update = """
            UPDATE Stages
            SET Name = @Name, TeamId = @TeamId, Folded = @Folded, ProbabilityBp = @ProbabilityBp,
                AutoProbability = @AutoProbability, RottingDays = @RottingDays, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;

        public const string Reassign = """
            UPDATE Opportunities
            SET ProbabilityBp = @ProbabilityBp, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND StageId = @StageId
              AND Outcome = 'open' AND ProbabilitySource = 'stage' AND ProbabilityBp <> @ProbabilityBp
            """;
    }
}
