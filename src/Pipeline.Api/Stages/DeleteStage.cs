using System.Data.Common;
using Mediator;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>
/// Deletes a stage that holds no opportunity, active or archived (rule 7), and that no automation rule targets.
/// With <c>MoveOpportunitiesTo</c>, first
/// moves them all there (history recorded, rule 3 applied), in the same transaction.
/// </summary>
public sealed record DeleteStage(long StageId, long? ExpectedVersion, long? MoveOpportunitiesTo)
    : ICommand<Unit>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Delete a stage",
        "Refused (409, with activeCount and archivedCount) while the stage holds any opportunity, archived ones included, "
        + "unless moveOpportunitiesTo names the stage that takes them. The closing stage, and a stage an automation rule "
        + "targets (409 with ruleIds), are never deleted.")
    {
        Problems = [404, 409, 412, 422],
        TypedProblems = new Dictionary<int, Type> { [409] = typeof(StageDeletionProblem) },
    };
}

public sealed class DeleteStageHandler(StageStore store, StageAuditLog audit, DbSession db, ChangeLog changes, Caller caller)
    : ICommandHandler<DeleteStage, Unit>
{
    public async ValueTask<Unit> Handle(DeleteStage command, CancellationToken ct)
    {
        var (stage, all) = await store.LoadAsync(command.StageId, command.ExpectedVersion, ct);
        DeletionGuard.CheckDeletable(stage.Facts).ThrowIfBroken();
        var rules = (await store.RulesTargetingAsync(stage.Id, ct)).Select(r => r.RuleId).ToList();
        DeletionGuard.CheckNotTargeted(stage.Facts, rules).ThrowIfBroken();

        if (command.MoveOpportunitiesTo is { } targetId)
        {
            var target = all.FirstOrDefault(s => s.Id == targetId).OrBroken(() => DeletionGuard.UnknownMoveTarget(targetId));
            DeletionGuard.CheckMoveTarget(stage.Facts, target.Facts, await store.TeamsInStageAsync(stage.Id, ct)).ThrowIfBroken();
            await MoveAllAsync(stage, target, ct);
        }
        else
        {
            var counts = await CountAsync(stage.Id, ct);
            DeletionGuard.CheckEmpty(stage.Facts, counts.Active, counts.Archived).ThrowIfBroken();
        }

        try
        {
            await db.ExecuteAsync(Sql.Delete, new { caller.TenantId, stage.Id }, ct);
        }
        catch (DbException e) when (db.Dialect.IsForeignKeyViolation(e))
        {
            // An opportunity moved in after the check (SQL Server, concurrently): the foreign key refused the delete.
            var counts = await CountAsync(stage.Id, ct);
            throw new RuleViolationException(DeletionGuard.NotEmpty(stage.Facts, counts.Active, counts.Archived));
        }
        await audit.RecordAsync(stage, StageAuditAction.Deleted, StageAuditLog.Snapshot(stage), null, ct);
        return Unit.Value;
    }

    private async Task<(long Active, long Archived)> CountAsync(long stageId, CancellationToken ct)
    {
        var counts = (await db.QueryAsync<(bool Active, long Count)>(Sql.Count, new { caller.TenantId, StageId = stageId }, ct)).ToList();
        return (counts.Where(c => c.Active).Sum(c => c.Count), counts.Where(c => !c.Active).Sum(c => c.Count));
    }

    /// <summary>Two set-based statements, whatever the number of opportunities: history first (it reads "before"), then the move.</summary>
    private async Task MoveAllAsync(StageRow from, StageRow to, CancellationToken ct)
    {
        var parameters = new
        {
            caller.TenantId,
            FromStageId = from.Id,
            FromStageName = from.Name,
            ToStageId = to.Id,
            ToStageName = to.Name,
            TargetBp = to is { AutoProbability: true, ProbabilityBp: { } bp } ? bp : (int?)null,
            Now = store.Now,
            caller.Actor,
        };
        var moving = await db.QueryAsync<OpportunityRow>(Sql.Moving, parameters, ct);
        await db.ExecuteAsync(Sql.RecordMoves, parameters, ct);
        await db.ExecuteAsync(Sql.MoveAll, parameters, ct);
        foreach (var row in moving)
        {
            row.StageId = to.Id;
            if (parameters.TargetBp is { } target) (row.ProbabilityBp, row.ProbabilitySource) = (target, "stage");
            foreach (var (type, data) in OpportunityChanges.Of(row, from, to, HistoryCause.StageDeleted)) changes.Add(caller, type, data);
        }
    }

    private static class Sql
    {
        public const string Count = """
            SELECT Active, CAST(COUNT(*) AS BIGINT) AS Count FROM Opportunities
            WHERE TenantId = @TenantId AND StageId = @StageId
            GROUP BY Active
            """;

        public const string Moving =
            $"SELECT {OpportunitySql.Columns} FROM Opportunities WHERE TenantId = @TenantId AND StageId = @FromStageId";

        public const string RecordMoves = """
            INSERT INTO OpportunityHistory (TenantId, OpportunityId, OccurredAtMs, Cause, FromStageId, FromStageName,
                ToStageId, ToStageName, ProbabilityBeforeBp, ProbabilityAfterBp, RuleId, EventId, Actor)
            SELECT TenantId, Id, @Now, 'stage_deleted', @FromStageId, @FromStageName,
                @ToStageId, @ToStageName, ProbabilityBp, COALESCE(@TargetBp, ProbabilityBp), NULL, NULL, @Actor
            FROM Opportunities
            WHERE TenantId = @TenantId AND StageId = @FromStageId
            """;

        public const string MoveAll = """
            UPDATE Opportunities
            SET StageId = @ToStageId,
                ProbabilityBp = COALESCE(@TargetBp, ProbabilityBp),
                ProbabilitySource = CASE WHEN @TargetBp IS NULL THEN ProbabilitySource ELSE 'stage' END,
                StageChangedAtMs = @Now, UpdatedAtMs = @Now, Version = Version + 1
            WHERE TenantId = @TenantId AND StageId = @FromStageId
            """;

        public const string Delete = "DELETE FROM Stages WHERE TenantId = @TenantId AND Id = @Id";
    }
}
