using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Stages;

/// <param name="Name">New name: trimmed, 1–100 characters, unique (ignoring case) in every pipeline the stage appears in.</param>
public sealed record RenameStageBody([property: Required, StringLength(StageNames.MaxLength, MinimumLength = 1)] string Name);

public sealed record RenameStage(long StageId, long? ExpectedVersion, string Name) : ICommand<StageDto>;

public sealed class RenameStageHandler(StageEditor editor) : ICommandHandler<RenameStage, StageDto>
{
    public async ValueTask<StageDto> Handle(RenameStage command, CancellationToken ct) =>
        (await editor.ApplyAsync(command.StageId, command.ExpectedVersion, new StageChanges(Name: command.Name), ct)) with { Reassigned = null };
}
