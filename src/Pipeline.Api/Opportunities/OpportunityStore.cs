using Pipeline.Api.Changes;
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
public sealed class OpportunityStore(DbSession db, StageStore stages, ChangeLog changes, Caller caller, TimeProvider clock)
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

    /// <summary>What <c>opportunity.updated</c> compares: the members a PATCH, a manual probability, archive or restore change.</summary>
    public static Dictionary<string, object?> Snapshot(OpportunityRow row) => new()
    {
        ["name"] = row.Name,
        ["teamId"] = row.TeamId,
        ["expectedRevenue"] = Cents.ToAmount(row.ExpectedRevenueCents),
        ["externalRef"] = row.ExternalRef,
        ["probability"] = Hundredths.ToPercent(row.ProbabilityBp),
        ["probabilitySource"] = row.ProbabilityState.Source,
        ["active"] = row.Active,
    };

    /// <summary>Saves the row; publishes <c>opportunity.updated</c> with the members changed since <paramref name="before"/>.</summary>
    public async Task UpdateAsync(OpportunityRow row, Dictionary<string, object?> before, CancellationToken ct)
    {
        await SaveAsync(row, ct);
        var after = Snapshot(row);
        var fields = ChangedFields.Of(before, after);
        changes.Add(caller, ChangeTypes.OpportunityUpdated, new
        {
            opportunityId = row.Id, fields, before = ChangedFields.Only(fields, before), after = ChangedFields.Only(fields, after),
        });
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

    /// <summary>Rule 11's history entry, and the changes it publishes: created, stage changed, won, lost or reopened.</summary>
    public async Task RecordAsync(
        OpportunityRow opportunity, StageRow? from, StageRow to, int? probabilityBefore, HistoryCause cause, CancellationToken ct,
        long? ruleId = null, string? eventId = null)
    {
        await db.ExecuteAsync(OpportunitySql.RecordHistory, new
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
        foreach (var (type, data) in OpportunityChanges.Of(opportunity, from, to, cause, ruleId, eventId))
            changes.Add(caller, type, data);
    }
}

/// <summary>The changes one history entry publishes (a bulk move publishes the same, item by item).</summary>
public static class OpportunityChanges
{
    public static IEnumerable<(string Type, object Data)> Of(
        OpportunityRow o, StageRow? from, StageRow to, HistoryCause cause, long? ruleId = null, string? eventId = null)
    {
        var probability = Hundredths.ToPercent(o.ProbabilityBp);
        var source = o.ProbabilityState.Source;
        if (cause == HistoryCause.Created)
        {
            yield return (ChangeTypes.OpportunityCreated, new
            {
                opportunityId = o.Id, stageId = to.Id, stageName = to.Name, probability, probabilitySource = source,
                expectedRevenue = Cents.ToAmount(o.ExpectedRevenueCents), teamId = o.TeamId,
            });
            yield break;
        }
        if (from?.Id != to.Id)
            yield return (ChangeTypes.OpportunityStageChanged, new
            {
                opportunityId = o.Id, fromStageId = from?.Id, fromStageName = from?.Name, toStageId = to.Id, toStageName = to.Name,
                probability, probabilitySource = source, cause, ruleId, eventId,
            });
        switch (cause)
        {
            case HistoryCause.Won:
                yield return (ChangeTypes.OpportunityWon, new { opportunityId = o.Id, stageId = to.Id, probability });
                break;
            case HistoryCause.Lost:
                yield return (ChangeTypes.OpportunityLost,
                    new { opportunityId = o.Id, stageId = to.Id, probability, lostReason = o.LostReason });
                break;
            case HistoryCause.Reopened:
                yield return (ChangeTypes.OpportunityReopened, new { opportunityId = o.Id, stageId = to.Id, probability });
                break;
        }
    }
}
