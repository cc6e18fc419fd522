using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Stages;

/// <param name="Name">New name: trimmed, 1–100 characters, unique (ignoring case) in every pipeline the stage appears in.</param>
public sealed record RenameStageBody([property: Required, StringLength(StageNames.MaxLength, MinimumLength = 1), DisplayText] string Name);

/// <summary>Renames a column (rule 9); history keeps the names as they were.</summary>
public sealed record RenameStage(
    long StageId, long? ExpectedVersion, RenameStageBody Body) : ICommand<StageDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Rename a stage")
    {
        Examples = new Dictionary<string, object> { ["rename Devis"] = new { name = "Devis envoyé" } },
        Problems = [400, 404, 409, 412],
    };
}

public sealed class RenameStageHandler(StageStore store) : ICommandHandler<RenameStage, StageDto>
{
    public async ValueTask<StageDto> Handle(RenameStage command, CancellationToken ct)
    {
        var (stage, all) = await store.LoadAsync(command.StageId, command.ExpectedVersion, ct);
        var name = Names.Normalize(command.Body.Name);
        if (name == stage.Name) return stage.ToDto();
        StageNames.CheckUnique(name, stage.TeamId, stage.Id, all.Select(s => s.Facts)).ThrowIfBroken();

        var before = stage.Copy();
        stage.Name = name;
        await store.SaveAsync(stage, before, ct);
        return stage.ToDto();
    }
}
