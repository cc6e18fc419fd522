using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Stages;

/// <param name="Folded">True collapses the column in the kanban; false unfolds it.</param>
public sealed record FoldStageBody([property: Required] bool? Folded);

/// <summary>Folds ("plier") or unfolds a column: a folded column shows its totals and no cards.</summary>
public sealed record FoldStage(long StageId, long? ExpectedVersion, FoldStageBody Body) : ICommand<StageDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Fold or unfold a stage")
    {
        Examples = new Dictionary<string, object> { ["fold Estimation"] = new { folded = true } },
        Problems = [400, 404, 412],
    };
}

public sealed class FoldStageHandler(StageStore store) : ICommandHandler<FoldStage, StageDto>
{
    public async ValueTask<StageDto> Handle(FoldStage command, CancellationToken ct)
    {
        var (stage, _) = await store.LoadAsync(command.StageId, command.ExpectedVersion, ct);
        var folded = command.Body.Folded!.Value;
        if (folded == stage.Folded) return stage.ToDto();

        var before = stage.Copy();
        stage.Folded = folded;
        await store.SaveAsync(stage, before, ct);
        return stage.ToDto();
    }
}
