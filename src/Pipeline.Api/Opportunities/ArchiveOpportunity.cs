using Mediator;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Opportunities;

/// <summary>Archives (deactivates) an opportunity; it stays in its stage and still counts for the deletion guard.</summary>
public sealed record ArchiveOpportunity(long OpportunityId, long? ExpectedVersion) : ICommand<OpportunityDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Archive an opportunity") { Problems = [404, 412] };
}

public sealed class ArchiveOpportunityHandler(OpportunityStore store) : ICommandHandler<ArchiveOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(ArchiveOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        if (!opportunity.Active) return opportunity.ToDto();
        var before = OpportunityStore.Snapshot(opportunity);
        opportunity.Active = false;
        await store.UpdateAsync(opportunity, before, ct);
        return opportunity.ToDto();
    }
}
