using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <summary>
/// The stage transitions every opportunity command shares, inside the command's unit of work: load with the
/// caller's If-Match, save under optimistic concurrency, enter a stage (rule 3) or close (rule 6), and append
/// history (rule 11).
/// </summary>
public sealed class OpportunityStore(DbSession db, StageStore stages, Caller caller, TimeProvider clock)
{
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<OpportunityRow> LoadAsync(long id, long? expectedVersion, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<OpportunityRow>(OpportunitySql.Load, new { caller.TenantId, Id = id }, ct)
                  ?? throw new NotFoundException("Opportunity", id);
        ETags.Check(expectedVersion, row.Version, "opportunity");
        return row;
    }

    /// <summary>Every stage of the tenant: the stages a transition reads its facts from.</summary>
    public Task<IReadOnlyList<StageRow>> StagesAsync(CancellationToken ct) => stages.AllAsync(ct);

    /// <summary>The opportunity that already has this external reference, if any.</summary>
    public Task<long?> ExternalRefHolderAsync(string reference, CancellationToken ct) =>
        db.QuerySingleOrDefaultAsync<long?>(OpportunitySql.ByExternalRef, new { caller.TenantId, ExternalRef = reference }, ct);

    /// <summary>Writes the row if nobody changed it since it was read; otherwise the unit of work runs again.</summary>
    public async Task SaveAsync(OpportunityRow row, CancellationToken ct)
    {
        row.UpdatedAtMs = Now;
        var updated = await db.ExecuteAsync(OpportunitySql.Update, new
        {
            caller.TenantId, row.Id, row.Name, row.TeamId, row.StageId, row.ProbabilityBp, row.ProbabilitySource, row.ExpectedRevenueCents,
            row.Active, row.Outcome, row.LostReason, row.StageChangedAtMs, row.ExternalRef, row.Version, row.UpdatedAtMs,
        }, ct);
        if (updated == 0) throw new ConcurrentUpdateException($"Opportunity {row.Id}");
        row.Version++;
    }

    /// <summary>Rule 3: the opportunity enters <paramref name="target"/>; an auto stage gives it the stage's probability.</summary>
    public async Task<OpportunityRow> EnterAsync(
        OpportunityRow opportunity, IReadOnlyList<StageRow> stages, StageRow target, HistoryCause cause, CancellationToken ct,
        long? ruleId = null, string? eventId = null)
    {
        var from = stages.FirstOrDefault(s => s.Id == opportunity.StageId);
        var before = opportunity.ProbabilityBp;
        opportunity.ProbabilityState = ProbabilityPolicy.OnEnter(opportunity.ProbabilityState, target.Facts);
        opportunity.StageId = target.Id;
        opportunity.StageChangedAtMs = Now;
        await SaveAsync(opportunity, ct);
        await RecordAsync(opportunity, from, target, before, cause, ct, ruleId, eventId);
        return opportunity;
    }

    /// <summary>Rule 6: won (100 %, stays active) or lost (0 %, reason kept, archived), in the closing stage.</summary>
    public async Task<OpportunityRow> CloseAsync(
        OpportunityRow opportunity, IReadOnlyList<StageRow> stages, Outcome outcome, string? lostReason, CancellationToken ct)
    {
        Closing.CheckOpen(opportunity.OutcomeValue, outcome == Outcome.Won ? "it cannot be won" : "it cannot be lost").ThrowIfBroken();
        var closing = stages.Single(s => s.IsClosing);
        var from = stages.FirstOrDefault(s => s.Id == opportunity.StageId);
        var before = opportunity.ProbabilityBp;
        var (probability, active) = Closing.Close(outcome, opportunity.Active);
        opportunity.ProbabilityState = new ProbabilityState(probability, ProbabilitySource.Stage);
        opportunity.Active = active;
        opportunity.OutcomeValue = outcome;
        opportunity.LostReason = outcome == Outcome.Lost ? lostReason : null;
        opportunity.StageId = closing.Id;
        opportunity.StageChangedAtMs = Now;
        await SaveAsync(opportunity, ct);
        await RecordAsync(opportunity, from, closing, before, outcome == Outcome.Won ? HistoryCause.Won : HistoryCause.Lost, ct);
        return opportunity;
    }

    public Task RecordAsync(
        OpportunityRow opportunity, StageRow? from, StageRow to, int? probabilityBefore, HistoryCause cause, CancellationToken ct,
        long? ruleId = null, string? eventId = null) =>
        db.ExecuteAsync(OpportunitySql.RecordHistory, new
        {
            caller.TenantId,
            OpportunityId = opportunity.Id,
            Now,
            Cause = EnumText.Of(cause),
            FromStageId = from?.Id,
            FromStageName = from?.Name,
            ToStageId = to.Id,
            ToStageName = to.Name,
            ProbabilityBeforeBp = probabilityBefore,
            ProbabilityAfterBp = opportunity.ProbabilityBp,
            RuleId = ruleId,
            EventId = eventId,
            caller.Actor,
        }, ct);
}
