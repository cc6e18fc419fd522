using System.ComponentModel.DataAnnotations;
using Mediator;

namespace Pipeline.Api.Stages;

/// <param name="Folded">True collapses the column in the kanban; false unfolds it.</param>
public sealed record FoldStageBody([property: Required] bool? Folded);

public sealed record FoldStage(long StageId, long? ExpectedVersion, bool Folded) : ICommand<StageDto>;

public sealed class FoldStageHandler(StageEditor editor) : ICommandHandler<FoldStage, StageDto>
{
    public async ValueTask<StageDto> Handle(FoldStage command, CancellationToken ct) =>
        (await editor.ApplyAsync(command.StageId, command.ExpectedVersion, new StageChanges(Folded: command.Folded), ct)) with { Reassigned = null };
}
