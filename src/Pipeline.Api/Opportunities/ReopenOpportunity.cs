using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <param name="StageId">
/// The open stage to reopen into; by default the stage it was closed from, if it still fits, else the first stage of its pipeline.
/// </param>
public sealed record ReopenOpportunityBody(long? StageId = null);

/// <summary>Rule 6: reopens a won or lost opportunity: open, active, in an open stage of its pipeline, probability by rule 3.</summary>
public sealed record ReopenOpportunity(long OpportunityId, long? ExpectedVersion, ReopenOpportunityBody Body)
    : ICommand<OpportunityDto>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Reopen a won or lost opportunity")
    {
        Examples = new Dictionary<string, object> { ["back to Devis"] = new { stageId = 4 } },
        Problems = [400, 404, 409, 412, 422],
    };
}

public sealed class ReopenOpportunityHandler(OpportunityStore store, DbSession db, Caller caller)
    : ICommandHandler<ReopenOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(ReopenOpportunity command, CancellationToken ct)
    {
        var opportunity = await store.LoadAsync(command.OpportunityId, command.ExpectedVersion, ct);
        Closing.CheckReopen(opportunity.OutcomeValue).ThrowIfBroken();
        var stages = await store.StagesAsync(ct);
        var target = command.Body.StageId is { } id ? StageStore.Named(stages, id) : await DefaultTargetAsync(opportunity, stages, ct);
        Pipelines.CheckInPipeline(target.Facts, opportunity.TeamId).ThrowIfBroken();
        Closing.CheckReopenTarget(target.Facts).ThrowIfBroken();

        opportunity.OutcomeValue = Outcome.Open;
        opportunity.Active = true;
        opportunity.LostReason = null;
        return (await store.EnterAsync(opportunity, stages, target, HistoryCause.Reopened, ct)).ToDto();
    }

    private async Task<StageRow> DefaultTargetAsync(OpportunityRow opportunity, IReadOnlyList<StageRow> stages, CancellationToken ct)
    {
        var closedFrom = await db.QuerySingleOrDefaultAsync<long?>(
            Sql.ClosedFrom, new { caller.TenantId, OpportunityId = opportunity.Id }, ct);
        var previous = stages.FirstOrDefault(s => s.Id == closedFrom && !s.IsClosing && Pipelines.Contains(s.Facts, opportunity.TeamId));
        var landing = Pipelines.LandingStage(stages.Select(x => x.Facts), opportunity.TeamId);
        return (previous ?? stages.FirstOrDefault(s => s.Id == landing?.Id)).OrBroken(Pipelines.NoOpenStage);
    }

    private static class Sql
    {
        public const string ClosedFrom = """
            SELECT FromStageId FROM OpportunityHistory
            WHERE Id = (SELECT MAX(Id) FROM OpportunityHistory
                        WHERE TenantId = @TenantId AND OpportunityId = @OpportunityId AND Cause IN ('won', 'lost'))
            """;
    }
}
