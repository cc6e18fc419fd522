using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <param name="Probability">0.00–100.00; it stays until the opportunity enters another automatic stage.</param>
public sealed record SetOpportunityProbabilityBody([property: Required, Percentage] decimal? Probability);

/// <summary>Rule 4: a probability set by hand; its source becomes `manual`.</summary>
public sealed record SetOpportunityProbability(long OpportunityId, long? ExpectedVersion, decimal Probability) : ICommand<OpportunityDto>;

public sealed class SetOpportunityProbabilityHandler(OpportunityStore store) : ICommandHandler<SetOpportunityProbability, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(SetOpportunityProbability command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        ProbabilityPolicy.CheckManual(opportunity.OutcomeValue).ThrowIfBroken();
        opportunity.ProbabilityState = new ProbabilityState(command.Probability, ProbabilitySource.Manual);
        await store.SaveAsync(opportunity, ct);
        return opportunity.ToDto();
    }
}
