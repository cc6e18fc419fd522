using System.ComponentModel.DataAnnotations;
using Mediator;
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
public sealed record MoveOpportunity(long OpportunityId, long? ExpectedVersion, long StageId, Outcome? Outcome) : ICommand<OpportunityDto>;

public sealed class MoveOpportunityHandler(OpportunityStore store) : ICommandHandler<MoveOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(MoveOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        Closing.CheckOpen(opportunity.OutcomeValue, "it cannot move").ThrowIfBroken();
        var stages = await store.StagesAsync(ct);
        var target = StageStore.Named(stages, command.StageId);
        Pipelines.CheckInPipeline(target.Facts, opportunity.TeamId).ThrowIfBroken();
        Closing.CheckMoveOutcome(target.Facts, command.Outcome).ThrowIfBroken();

        if (target.IsClosing)
            return (await store.CloseAsync(opportunity, stages, command.Outcome!.Value, null, ct)).ToDto();
        if (target.Id == opportunity.StageId)
            return opportunity.ToDto();
        return (await store.EnterAsync(opportunity, stages, target, HistoryCause.Moved, ct)).ToDto();
    }
}
