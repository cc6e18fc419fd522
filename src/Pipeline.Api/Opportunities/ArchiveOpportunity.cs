using Mediator;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <summary>Archives (deactivates) an opportunity; it stays in its stage and still counts for the deletion guard.</summary>
public sealed record ArchiveOpportunity(long OpportunityId, long? ExpectedVersion) : ICommand<OpportunityDto>;

/// <summary>Makes an archived opportunity active again (a lost one is reopened instead).</summary>
public sealed record RestoreOpportunity(long OpportunityId, long? ExpectedVersion) : ICommand<OpportunityDto>;

public sealed class ArchiveOpportunityHandler(OpportunityStore store) : ICommandHandler<ArchiveOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(ArchiveOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        if (!opportunity.Active) return opportunity.ToDto();
        opportunity.Active = false;
        await store.SaveAsync(opportunity, ct);
        return opportunity.ToDto();
    }
}

public sealed class RestoreOpportunityHandler(OpportunityStore store) : ICommandHandler<RestoreOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(RestoreOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        Closing.CheckRestore(opportunity.OutcomeValue).ThrowIfBroken();
        if (opportunity.Active) return opportunity.ToDto();
        opportunity.Active = true;
        await store.SaveAsync(opportunity, ct);
        return opportunity.ToDto();
    }
}
