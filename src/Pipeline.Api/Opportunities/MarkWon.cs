using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <summary>Rule 6: marks an open opportunity won, in the closing stage with probability 100.</summary>
public sealed record MarkWon(long OpportunityId, long? ExpectedVersion) : ICommand<OpportunityDto>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Mark won", "Moves it to the closing stage with probability 100.")
    {
        Problems = [404, 409, 412],
    };
}

public sealed class MarkWonHandler(OpportunityStore store) : ICommandHandler<MarkWon, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(MarkWon command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        return (await store.CloseAsync(opportunity, await store.StagesAsync(ct), Outcome.Won, null, ct)).ToDto();
    }
}
