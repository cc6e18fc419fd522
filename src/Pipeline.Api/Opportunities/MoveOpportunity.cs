using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Opportunities;

/// <param name="StageId">Any stage of the opportunity's pipeline, in any order (free movement).</param>
/// <param name="Outcome">Required when moving into the closing stage: `won` or `lost`.</param>
public sealed record MoveOpportunityBody([property: Required] long? StageId, Outcome? Outcome = null);

/// <summary>
/// Moves an open opportunity to another stage of its pipeline (rule 2). Entering an automatic stage gives it the
/// stage's probability (rule 3); moving into the closing stage wins or loses it (rule 6).
/// </summary>
public sealed record MoveOpportunity(long OpportunityId, long? ExpectedVersion, MoveOpportunityBody Body)
    : ICommand<OpportunityDto>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Move an opportunity to another stage",
        "Any stage of its pipeline, in any order. An automatic stage sets its probability; the closing stage needs `outcome`.")
    {
        Examples = new Dictionary<string, object>
        {
            ["to Devis"] = new { stageId = 4 },
            ["won, into the closing stage"] = new { stageId = 5, outcome = "won" },
        },
        Problems = [400, 404, 409, 412, 422],
    };
}

public sealed class MoveOpportunityHandler(OpportunityStore store) : ICommandHandler<MoveOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(MoveOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        Closing.CheckOpen(opportunity.OutcomeValue, "it cannot move").ThrowIfBroken();
        var stages = await store.StagesAsync(ct);
        var target = StageStore.Named(stages, command.Body.StageId!.Value);
        Pipelines.CheckInPipeline(target.Facts, opportunity.TeamId).ThrowIfBroken();
        Closing.CheckMoveOutcome(target.Facts, command.Body.Outcome).ThrowIfBroken();

        if (target.IsClosing)
            return (await store.CloseAsync(opportunity, stages, command.Body.Outcome!.Value, null, ct)).ToDto();
        if (target.Id == opportunity.StageId)
            return opportunity.ToDto();
        return (await store.EnterAsync(opportunity, stages, target, HistoryCause.Moved, ct)).ToDto();
    }
}
