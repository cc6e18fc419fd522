using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <summary>What can change on an opportunity besides its stage and probability; omitted members stay as they are.</summary>
/// <param name="Name">New name (trimmed, 1–200 characters).</param>
/// <param name="ExpectedRevenue">New expected revenue (at most two decimals), e.g. when the quote's amount changes.</param>
/// <param name="TeamId">New team, or null for none; its pipeline must contain the opportunity's current stage.</param>
/// <param name="ExternalRef">The calling module's reference, unique per tenant.</param>
public sealed record UpdateOpportunityBody(
    [property: StringLength(200, MinimumLength = 1), DisplayText] string? Name = null,
    [property: Money] decimal? ExpectedRevenue = null,
    Optional<long?> TeamId = default,
    [property: StringLength(100, MinimumLength = 1), Identifier] string? ExternalRef = null);

/// <summary>Name, expected revenue, team and external reference; a new team's pipeline must hold the current stage (rule 2).</summary>
public sealed record UpdateOpportunity(long OpportunityId, long? ExpectedVersion, UpdateOpportunityBody Body)
    : ICommand<OpportunityDto>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Update an opportunity",
        "Name, expected revenue, team and external reference; omitted members stay as they are. "
        + "A new team's pipeline must contain the current stage.")
    {
        Examples = new Dictionary<string, object> { ["the quote's amount changed"] = new { expectedRevenue = 19200.00m } },
        Problems = [400, 404, 409, 412, 422],
    };
}

public sealed class UpdateOpportunityHandler(OpportunityStore store) : ICommandHandler<UpdateOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(UpdateOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        var changes = command.Body;
        var name = changes.Name is { } n ? Names.Normalize(n) : opportunity.Name;
        var teamId = changes.TeamId.Or(opportunity.TeamId);
        if (teamId != opportunity.TeamId)
        {
            var stage = (await store.StagesAsync(ct)).Single(s => s.Id == opportunity.StageId);
            Pipelines.CheckInPipeline(stage.Facts, teamId).ThrowIfBroken();
        }
        if (changes.ExternalRef is { } reference && reference != opportunity.ExternalRef)
            ExternalRefs.CheckFree(reference, await store.ExternalRefHolderAsync(reference, ct)).ThrowIfBroken();

        var before = OpportunityStore.Snapshot(opportunity);
        opportunity.Name = name;
        opportunity.ExpectedRevenueCents = changes.ExpectedRevenue is { } revenue ? Cents.Of(revenue) : opportunity.ExpectedRevenueCents;
        opportunity.TeamId = teamId;
        opportunity.ExternalRef = changes.ExternalRef ?? opportunity.ExternalRef;
        if (ChangedFields.Of(before, OpportunityStore.Snapshot(opportunity)).Count > 0)
            await store.UpdateAsync(opportunity, before, ct);
        return opportunity.ToDto();
    }
}
