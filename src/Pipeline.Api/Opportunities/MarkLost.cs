using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <param name="Reason">Why the deal was lost (e.g. "Prix trop élevé").</param>
public sealed record MarkLostBody([property: Required, StringLength(500, MinimumLength = 1), DisplayText] string Reason);

/// <summary>Rule 6: marks an open opportunity lost, in the closing stage with probability 0, its reason kept, archived.</summary>
public sealed record MarkLost(
    long OpportunityId, long? ExpectedVersion, MarkLostBody Body) : ICommand<OpportunityDto>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Mark lost", "Moves it to the closing stage with probability 0, keeps the reason and archives it.")
    {
        Examples = new Dictionary<string, object> { ["too expensive"] = new { reason = "Prix trop élevé" } },
        Problems = [400, 404, 409, 412],
    };
}

public sealed class MarkLostHandler(OpportunityStore store) : ICommandHandler<MarkLost, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(MarkLost command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        var stages = await store.StagesAsync(ct);
        return (await store.CloseAsync(opportunity, stages, Outcome.Lost, Names.Normalize(command.Body.Reason), ct)).ToDto();
    }
}
