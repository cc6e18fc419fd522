using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
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
    [property: StringLength(StageNames.MaxLength, MinimumLength = 1), DisplayText] string? Name = null,
    Optional<long?> TeamId = default,
    bool? Folded = null,
    bool? AutoProbability = null,
    [property: Percentage] decimal? Probability = null,
    [property: Range(0, Rotting.MaxDays)] int? RottingDays = null);

/// <summary>
/// Applies every change of the form with every rule that guards them (names, team, closing stage, probability),
/// and keeps rule 5's invariant: when the result is an auto stage, its opportunities follow its probability.
/// </summary>
public sealed record EditStage(long StageId, long? ExpectedVersion, EditStageBody Body) : ICommand<StageDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Edit a stage (the \"Editer la colonne\" form)",
        "Name, team, folded, automatic probability and probability in one atomic save; omitted members stay as they are.")
    {
        Examples = new Dictionary<string, object>
        {
            ["the Devis column"] =
                new { name = "Devis", teamId = (long?)null, folded = false, autoProbability = true, probability = 80.00m },
        },
        Problems = [400, 404, 409, 412, 422],
    };
}

public sealed class EditStageHandler(StageStore store) : ICommandHandler<EditStage, StageDto>
{
    public async ValueTask<StageDto> Handle(EditStage command, CancellationToken ct)
    {
        var (stage, all) = await store.LoadAsync(command.StageId, command.ExpectedVersion, ct);
        var body = command.Body;
        var name = body.Name is { } n ? Names.Normalize(n) : stage.Name;
        var teamId = body.TeamId.Or(stage.TeamId);
        if (teamId != stage.TeamId)
        {
            StageTeam.CheckChange(stage.Facts, teamId, await store.TeamsInStageAsync(stage.Id, ct)).ThrowIfBroken();
            StageTeam.CheckRules(stage.Facts with { TeamId = teamId }, await store.RulesTargetingAsync(stage.Id, ct)).ThrowIfBroken();
        }
        if (name != stage.Name || teamId != stage.TeamId)
            StageNames.CheckUnique(name, teamId, stage.Id, all.Select(s => s.Facts)).ThrowIfBroken();
        if (body.AutoProbability is not null || body.Probability is not null)
            ProbabilityPolicy.CheckStageProbability(stage.Facts, body.Probability, body.AutoProbability ?? false).ThrowIfBroken();

        var before = stage.Copy();
        stage.Name = name;
        stage.TeamId = teamId;
        stage.Folded = body.Folded ?? stage.Folded;
        stage.AutoProbability = body.AutoProbability ?? stage.AutoProbability;
        stage.ProbabilityBp = body.Probability is { } p ? Hundredths.Of(p) : stage.ProbabilityBp;
        stage.RottingDays = body.RottingDays ?? stage.RottingDays;
        if (stage.Facts == before.Facts) return stage.ToDto() with { Reassigned = 0 };
        var reassigned = await store.SaveAsync(stage, before, ct);
        return stage.ToDto() with { Reassigned = reassigned };
    }
}
