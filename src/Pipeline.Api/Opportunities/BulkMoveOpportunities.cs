using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Mediator;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <summary>Forty cards dropped into Devis at once.</summary>
/// <param name="OpportunityIds">1 to 500 opportunities, each once.</param>
/// <param name="StageId">Where they all go: any stage of each one's pipeline.</param>
/// <param name="Outcome">Required when the target is the closing stage: `won` or `lost`.</param>
/// <param name="LostReason">Why they were lost; with `lost` only.</param>
public sealed record BulkMoveBody(
    [property: Required, MinLength(1), MaxLength(BulkMoves.MaxOpportunities)] IReadOnlyList<long> OpportunityIds,
    [property: Required] long? StageId,
    Outcome? Outcome = null,
    [property: StringLength(500, MinimumLength = 1), DisplayText] string? LostReason = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var repeated = OpportunityIds.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0)
            yield return new ValidationResult(
                $"opportunityIds must name each opportunity once; repeated: {string.Join(", ", repeated)}.", ["opportunityIds"]);
    }
}

public enum BulkMoveResult { Moved, Unchanged }

/// <summary>What happened to one opportunity of a bulk move.</summary>
/// <param name="Id">The opportunity.</param>
/// <param name="Result">`moved`, or `unchanged` when it already was in the stage.</param>
/// <param name="Version">Its version now (the ETag a next write may send as If-Match).</param>
public sealed record BulkMoveItem(long Id, BulkMoveResult Result, long Version);

/// <summary>The answer to a bulk move, item by item in the order asked.</summary>
/// <param name="Moved">How many moved.</param>
/// <param name="Unchanged">How many already were in the stage.</param>
/// <param name="Items">Each opportunity, in the order of the request.</param>
public sealed record BulkMoveOutcome(int Moved, int Unchanged, IReadOnlyList<BulkMoveItem> Items);

/// <summary>
/// Moves up to 500 opportunities to one stage in one transaction, every rule of a single move applied to each
/// (rule 3's automatic probability, the closing stage's won and lost, history with the stage names), all or nothing,
/// in a fixed number of set-based statements whatever the number of ids.
/// </summary>
public sealed record BulkMoveOpportunities(BulkMoveBody Body, [property: JsonIgnore] string? IdempotencyKey = null)
    : IIdempotentCreate, ICommand<BulkMoveOutcome>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Move many opportunities to one stage",
        "All or nothing: if any opportunity is unknown, closed or outside the target's pipeline, nothing moves and the 422 "
        + "lists each offending id in `problems`. Every rule of a single move applies to each one.")
    {
        Examples = new Dictionary<string, object>
        {
            ["three cards into Devis"] = new { opportunityIds = new[] { 41, 42, 43 }, stageId = 4 },
            ["two deals lost"] = new { opportunityIds = new[] { 51, 52 }, stageId = 5, outcome = "lost", lostReason = "Projet reporté" },
        },
        Problems = [400, 422],
        TypedProblems = new Dictionary<int, Type> { [422] = typeof(BulkMoveProblem) },
    };
}

/// <summary>The 422 of a bulk move: when <c>type</c> ends in <c>bulk-move-refused</c>, every offending id with why.</summary>
public sealed class BulkMoveProblem : Microsoft.AspNetCore.Mvc.ProblemDetails
{
    /// <summary>Each opportunity that cannot move: its id, the problem type it would have had alone, and why.</summary>
    public IReadOnlyList<BulkMoves.ItemProblem>? Problems { get; set; }
}

public sealed class BulkMoveOpportunitiesHandler(OpportunityStore store, DbSession db, ChangeLog changes, Caller caller)
    : ICommandHandler<BulkMoveOpportunities, BulkMoveOutcome>
{
    public async ValueTask<BulkMoveOutcome> Handle(BulkMoveOpportunities command, CancellationToken ct)
    {
        var body = command.Body;
        var stages = await store.StagesAsync(ct);
        var target = StageStore.Named(stages, body.StageId!.Value);
        Closing.CheckMoveOutcome(target.Facts, body.Outcome).ThrowIfBroken();
        Closing.CheckLostReason(body.Outcome, body.LostReason).ThrowIfBroken();

        var ids = new { caller.TenantId, Ids = $"[{string.Join(",", body.OpportunityIds)}]" };
        // Row locks first, so what the rules read is what the two set-based writes below change.
        await db.ExecuteAsync(Sql.Lock(db.Dialect), ids, ct);
        var rows = (await db.QueryAsync<OpportunityRow>(Sql.Load(db.Dialect), ids, ct)).ToDictionary(r => r.Id);
        BulkMoves.CheckAll(body.OpportunityIds, rows.ToDictionary(r => r.Key, r => r.Value.Facts), target.Facts).ThrowIfBroken();

        var (probability, cause) = target.IsClosing
            ? (Closing.Close(body.Outcome!.Value, true).Probability, body.Outcome == Outcome.Won ? HistoryCause.Won : HistoryCause.Lost)
            : (ProbabilityPolicy.SetOnEntering(target.Facts), HistoryCause.Moved);
        var change = new
        {
            ids.TenantId, ids.Ids, ToStageId = target.Id, ToStageName = target.Name, Now = store.Now, caller.Actor,
            Cause = EnumText.Of(cause), AfterBp = probability is { } after ? Hundredths.Of(after) : (int?)null,
            Outcome = EnumText.Of(target.IsClosing ? body.Outcome!.Value : Outcome.Open), Deactivate = body.Outcome == Outcome.Lost,
            LostReason = body.LostReason is { } reason ? Names.Normalize(reason) : null,
        };
        var unchanged = rows.Values.Where(r => r.StageId == target.Id).Select(r => r.Id).ToHashSet();
        await db.ExecuteAsync(Sql.RecordHistory(db.Dialect), change, ct);
        await db.ExecuteAsync(Sql.Move(db.Dialect), change, ct);
        foreach (var row in body.OpportunityIds.Select(id => rows[id]).Where(r => r.StageId != target.Id))
        {
            var from = stages.Single(s => s.Id == row.StageId);
            // The row as the set-based move left it, for the changes a single move would publish.
            row.StageId = target.Id;
            if (probability is { } p) row.ProbabilityState = new ProbabilityState(p, ProbabilitySource.Stage);
            if (target.IsClosing) (row.OutcomeValue, row.LostReason) = (body.Outcome!.Value, change.LostReason);
            foreach (var (type, data) in OpportunityChanges.Of(row, from, target, cause)) changes.Add(caller, type, data);
        }

        var items = body.OpportunityIds.Select(id => unchanged.Contains(id)
            ? new BulkMoveItem(id, BulkMoveResult.Unchanged, rows[id].Version)
            : new BulkMoveItem(id, BulkMoveResult.Moved, rows[id].Version + 1)).ToList();
        var moved = items.Count(i => i.Result == BulkMoveResult.Moved);
        return new BulkMoveOutcome(moved, items.Count - moved, items);
    }

    private static class Sql
    {
        public static string Lock(ISqlDialect d) =>
            $"UPDATE Opportunities SET Version = Version WHERE TenantId = @TenantId AND Id IN ({d.IdsIn("@Ids")})";

        public static string Load(ISqlDialect d) =>
            $"SELECT {OpportunitySql.Columns} FROM Opportunities WHERE TenantId = @TenantId AND Id IN ({d.IdsIn("@Ids")})";

        /// <summary>History first: it reads each opportunity's stage and probability before the move.</summary>
        public static string RecordHistory(ISqlDialect d) => $"""
            INSERT INTO OpportunityHistory (TenantId, OpportunityId, OccurredAtMs, Cause, FromStageId, FromStageName,
                ToStageId, ToStageName, ProbabilityBeforeBp, ProbabilityAfterBp, RuleId, EventId, Actor)
            SELECT o.TenantId, o.Id, @Now, @Cause, o.StageId, s.Name,
                @ToStageId, @ToStageName, o.ProbabilityBp, COALESCE(@AfterBp, o.ProbabilityBp), NULL, NULL, @Actor
            FROM Opportunities o
            JOIN Stages s ON s.TenantId = o.TenantId AND s.Id = o.StageId
            WHERE o.TenantId = @TenantId AND o.Id IN ({d.IdsIn("@Ids")}) AND o.StageId <> @ToStageId
            """;

        public static string Move(ISqlDialect d) => $"""
            UPDATE Opportunities
            SET StageId = @ToStageId,
                ProbabilityBp = COALESCE(@AfterBp, ProbabilityBp),
                ProbabilitySource = CASE WHEN @AfterBp IS NULL THEN ProbabilitySource ELSE 'stage' END,
                Outcome = @Outcome,
                Active = CASE WHEN @Deactivate = 1 THEN 0 ELSE Active END,
                LostReason = @LostReason,
                StageChangedAtMs = @Now, UpdatedAtMs = @Now, Version = Version + 1
            WHERE TenantId = @TenantId AND Id IN ({d.IdsIn("@Ids")}) AND StageId <> @ToStageId
            """;
    }
}
