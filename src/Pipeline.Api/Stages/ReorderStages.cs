using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>The full new order of one pipeline.</summary>
/// <param name="StageIds">Every stage of the pipeline, each once, in the new order.</param>
/// <param name="TeamId">The pipeline: a team's (shared stages plus its own); omitted or null for the shared stages alone.</param>
public sealed record ReorderStagesBody(
    [property: Required, MinLength(1), MaxLength(200)] IReadOnlyList<long> StageIds,
    long? TeamId = null);

/// <summary>Rule 10: puts one pipeline in a new order, atomically, by permuting its own sequence slots.</summary>
public sealed record ReorderStages(ReorderStagesBody Body) : ICommand<ListOf<StageDto>>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Reorder a pipeline", "Takes every stage of one pipeline, in the new order, and applies it atomically.")
    {
        Examples = new Dictionary<string, object>
        {
            ["Visite Technique before Estimation"] = new { teamId = (long?)null, stageIds = new[] { 1, 3, 2, 4, 5 } },
        },
        Problems = [400, 422],
    };
}

public sealed class ReorderStagesHandler(StageStore store, StageAuditLog audit, DbSession db, Caller caller)
    : ICommandHandler<ReorderStages, ListOf<StageDto>>
{
    public async ValueTask<ListOf<StageDto>> Handle(ReorderStages command, CancellationToken ct)
    {
        var requested = command.Body.StageIds;
        var all = await store.AllAsync(ct);
        var pipeline = Pipelines.Of(all.Select(s => s.Facts), command.Body.TeamId);
        StageOrder.CheckOrder(pipeline, requested).ThrowIfBroken();
        var moves = StageOrder.Reorder(pipeline, requested);
        var now = store.Now;
        await db.ExecuteAsync(Sql.SetSequence, moves.Select(m => new { caller.TenantId, Id = m.StageId, m.Sequence, Now = now }), ct);
        foreach (var (stageId, sequence) in moves)
        {
            var stage = StageStore.Find(all, stageId);
            var snapshot = StageAuditLog.Snapshot(stage);
            stage.Sequence = sequence;
            stage.Version++;
            await audit.RecordAsync(stage, StageAuditAction.Reordered, snapshot, StageAuditLog.Snapshot(stage), ct);
        }
        return new ListOf<StageDto>(requested.Select(id => StageStore.Find(all, id).ToDto()).ToList());
    }

    private static class Sql
    {
        public const string SetSequence = """
            UPDATE Stages SET Sequence = @Sequence, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;
    }
}
