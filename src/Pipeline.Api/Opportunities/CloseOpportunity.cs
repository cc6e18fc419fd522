using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <summary>Marks an open opportunity won: closing stage, probability 100.</summary>
public sealed record MarkWon(long OpportunityId, long? ExpectedVersion) : ICommand<OpportunityDto>;

/// <param name="Reason">Why the deal was lost (e.g. "Prix trop élevé").</param>
public sealed record MarkLostBody([property: Required, StringLength(500, MinimumLength = 1)] string Reason);

/// <summary>Marks an open opportunity lost: closing stage, probability 0, reason kept, archived.</summary>
public sealed record MarkLost(long OpportunityId, long? ExpectedVersion, string Reason) : ICommand<OpportunityDto>;

public sealed class MarkWonHandler(OpportunityStore store) : ICommandHandler<MarkWon, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(MarkWon command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        return (await store.CloseAsync(opportunity, await store.StagesAsync(ct), Outcome.Won, null, ct)).ToDto();
    }
}

public sealed class MarkLostHandler(OpportunityStore store) : ICommandHandler<MarkLost, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(MarkLost command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        return (await store.CloseAsync(opportunity, await store.StagesAsync(ct), Outcome.Lost, command.Reason.Trim(), ct)).ToDto();
    }
}
