using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Stages;

/// <summary>The "Editer la colonne" form: any of name, team, folded, automatic probability and probability, saved atomically.</summary>
/// <param name="Name">New name (trimmed, 1–100 characters).</param>
/// <param name="TeamId">Owning team; null makes the stage shared by every team. Omit to leave it unchanged.</param>
/// <param name="Folded">Collapse the column in the kanban.</param>
/// <param name="AutoProbability">Entering the stage sets the opportunity's probability.</param>
/// <param name="Probability">The stage's probability of success, 0.00–100.00.</param>
/// <param name="RottingDays">Days after which an opportunity in the stage is stale; 0 turns it off.</param>
public sealed record EditStageBody(
    [property: StringLength(StageNames.MaxLength, MinimumLength = 1)] string? Name = null,
    Optional<long?> TeamId = default,
    bool? Folded = null,
    bool? AutoProbability = null,
    [property: Percentage] decimal? Probability = null,
    [property: Range(0, StageRules.MaxRottingDays)] int? RottingDays = null);

public sealed record EditStage(long StageId, long? ExpectedVersion, StageChanges Changes) : ICommand<StageDto>;

/// <summary>What a stage command changes; null members stay as they are.</summary>
public sealed record StageChanges(
    string? Name = null,
    Optional<long?> TeamId = default,
    bool? Folded = null,
    bool? AutoProbability = null,
    decimal? Probability = null,
    int? RottingDays = null)
{
    public bool TouchesProbability => AutoProbability is not null || Probability is not null;
}

public sealed class EditStageHandler(StageEditor editor) : ICommandHandler<EditStage, StageDto>
{
    public ValueTask<StageDto> Handle(EditStage command, CancellationToken ct) =>
        editor.ApplyAsync(command.StageId, command.ExpectedVersion, command.Changes, ct);
}

/// <summary>
/// Applies stage changes with every rule that guards them (names, team, closing stage, probability) and keeps
/// rule 5's invariant: when the result is an auto stage, its opportunities follow its probability.
/// RenameStage, FoldStage, SetProbability and the PATCH form all come through here.
/// </summary>
public sealed class StageEditor(StageStore store, StageAuditLog audit)
{
    public async ValueTask<StageDto> ApplyAsync(long stageId, long? expectedVersion, StageChanges changes, CancellationToken ct)
    {
        await store.LockAsync(ct);
        var all = await store.AllAsync(ct);
        var stage = StageStore.Find(all, stageId);
        ETags.Check(expectedVersion, stage.Version, "stage");
        var before = stage.Facts;
        var snapshot = StageAuditLog.Snapshot(stage);

        var name = changes.Name is { } n ? StageNames.Normalize(n) : stage.Name;
        if (name.Length == 0) throw new BadRequestException("name", "name must not be blank.");
        var teamId = changes.TeamId.Or(stage.TeamId);
        if (teamId != stage.TeamId)
        {
            StageTeam.CheckChange(before, teamId, await store.TeamsInStageAsync(stageId, ct)).ThrowIfBroken();
            StageTeam.CheckRules(before with { TeamId = teamId }, await store.RulesTargetingAsync(stageId, ct)).ThrowIfBroken();
        }
        if (name != stage.Name || teamId != stage.TeamId)
            StageNames.CheckUnique(name, teamId, stageId, all.Select(s => s.Facts)).ThrowIfBroken();
        if (changes.TouchesProbability)
            ProbabilityPolicy.CheckStageProbability(before, changes.Probability, changes.AutoProbability ?? false).ThrowIfBroken();

        stage.Name = name;
        stage.TeamId = teamId;
        stage.Folded = changes.Folded ?? stage.Folded;
        stage.AutoProbability = changes.AutoProbability ?? stage.AutoProbability;
        stage.ProbabilityBp = changes.Probability is { } p ? Probability.ToHundredths(p) : stage.ProbabilityBp;
        stage.RottingDays = changes.RottingDays ?? stage.RottingDays;
        if (stage.Facts == before) return stage.ToDto() with { Reassigned = 0 };

        await store.UpdateAsync(stage, ct);
        stage.Version++;
        await audit.RecordAsync(stage, StageAuditAction.Updated, snapshot, StageAuditLog.Snapshot(stage), ct);
        var reassigned = changes.TouchesProbability ? await store.ReassignAsync(stage, ct) : 0;
        return stage.ToDto() with { Reassigned = reassigned };
    }
}
