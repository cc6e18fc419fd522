using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>The full new order of one pipeline.</summary>
/// <param name="StageIds">Every stage of the pipeline, each once, in the new order.</param>
/// <param name="TeamId">The pipeline: a team's (shared stages plus its own); omitted or null for the shared stages alone.</param>
public sealed record ReorderStages(
    [property: Required, MinLength(1), MaxLength(200)] IReadOnlyList<long> StageIds,
    long? TeamId = null) : ICommand<ListOf<StageDto>>;

public sealed class ReorderStagesHandler(StageStore store, StageAuditLog audit, DbSession db, Caller caller) : ICommandHandler<ReorderStages, ListOf<StageDto>>
{
    public async ValueTask<ListOf<StageDto>> Handle(ReorderStages command, CancellationToken ct)
    {
        await store.LockAsync(ct);
        var all = await store.AllAsync(ct);
        var pipeline = Pipelines.Of(all.Select(s => s.Facts), command.TeamId);
        var moves = StageOrder.Reorder(pipeline, command.StageIds);
        var now = store.Now;
        await db.ExecuteAsync(Sql.SetSequence, moves.Select(m => new { caller.TenantId, Id = m.StageId, m.Sequence, Now = now }), ct);
        foreach (var (stageId, sequence) in moves)
        {
            var stage = StageStore.Find(all, stageId);
            var snapshot = StageAuditLog.Snapshot(stage);
            stage.Sequence = sequence;
            await audit.RecordAsync(stage, StageAuditAction.Reordered, snapshot, StageAuditLog.Snapshot(stage), ct);
        }

        var moved = moves.ToDictionary(m => m.StageId, m => m.Sequence);
        return new ListOf<StageDto>(command.StageIds
            .Select(id => StageStore.Find(all, id))
            .Select(s => moved.ContainsKey(s.Id) ? s.ToDto() with { Version = s.Version + 1 } : s.ToDto())
            .ToList());
    }

    internal static class Sql
    {
        public const string SetSequence = """
            UPDATE Stages SET Sequence = @Sequence, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;
    }
}
