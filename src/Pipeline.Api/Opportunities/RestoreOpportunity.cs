using Mediator;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <summary>Makes an archived opportunity active again (a lost one is reopened instead).</summary>
public sealed record RestoreOpportunity(long OpportunityId, long? ExpectedVersion) : ICommand<OpportunityDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Restore an archived opportunity") { Problems = [404, 409, 412] };
}

public sealed class RestoreOpportunityHandler(OpportunityStore store) : ICommandHandler<RestoreOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(RestoreOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        Closing.CheckRestore(opportunity.OutcomeValue).ThrowIfBroken();
        if (opportunity.Active) return opportunity.ToDto();
        var before = OpportunityStore.Snapshot(opportunity);
        opportunity.Active = true;
        await store.UpdateAsync(opportunity, before, ct);
        return opportunity.ToDto();
    }
}
