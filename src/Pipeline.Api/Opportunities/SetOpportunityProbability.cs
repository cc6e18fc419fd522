using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <param name="Probability">0.00–100.00; it stays until the opportunity enters another automatic stage.</param>
public sealed record SetOpportunityProbabilityBody([property: Required, Percentage] decimal? Probability);

/// <summary>Rule 4: a probability set by hand; its source becomes `manual`.</summary>
public sealed record SetOpportunityProbability(long OpportunityId, long? ExpectedVersion, SetOpportunityProbabilityBody Body)
    : ICommand<OpportunityDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Set an opportunity's probability by hand")
    {
        Examples = new Dictionary<string, object> { ["65 %"] = new { probability = 65.00m } },
        Problems = [400, 404, 409, 412],
    };
}

public sealed class SetOpportunityProbabilityHandler(OpportunityStore store) : ICommandHandler<SetOpportunityProbability, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(SetOpportunityProbability command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        ProbabilityPolicy.CheckManual(opportunity.OutcomeValue).ThrowIfBroken();
        var before = OpportunityStore.Snapshot(opportunity);
        opportunity.ProbabilityState = new ProbabilityState(command.Body.Probability!.Value, ProbabilitySource.Manual);
        await store.UpdateAsync(opportunity, before, ct);
        return opportunity.ToDto();
    }
}
