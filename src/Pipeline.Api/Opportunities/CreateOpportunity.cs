using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <summary>A new opportunity.</summary>
/// <param name="Name">What is being sold (trimmed, 1–200 characters).</param>
/// <param name="TeamId">Sales team; decides the pipeline the opportunity moves in.</param>
/// <param name="StageId">Where it starts; by default the first unfolded open stage of its pipeline (Nouveau).</param>
/// <param name="ExpectedRevenue">Expected revenue (at most two decimals).</param>
/// <param name="Probability">A probability set by hand; an automatic stage replaces it with its own (rule 3).</param>
/// <param name="ExternalRef">The calling module's reference, unique per tenant (409 names the existing opportunity).</param>
public sealed record CreateOpportunityBody(
    [property: Required, StringLength(200, MinimumLength = 1), DisplayText] string Name,
    long? TeamId = null,
    long? StageId = null,
    [property: Money] decimal ExpectedRevenue = 0m,
    [property: Percentage] decimal? Probability = null,
    [property: StringLength(100, MinimumLength = 1), Identifier] string? ExternalRef = null);

/// <summary>Rule 1: a new opportunity lands in its pipeline's first unfolded open stage unless one is given; rule 3 applies.</summary>
public sealed record CreateOpportunity(CreateOpportunityBody Body, [property: JsonIgnore] string? IdempotencyKey = null)
    : IIdempotentCreate, ICommand<OpportunityDto>, IReadsStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Create an opportunity", "Lands in the first unfolded open stage of its pipeline unless a stage is given.")
    {
        Examples = new Dictionary<string, object>
        {
            ["a roof renovation"] =
                new { name = "Rénovation toiture – Dupont", expectedRevenue = 18450.00m, externalRef = "CRM-2026-0042" },
        },
        Problems = [400, 409, 422],
    };
}

public sealed class CreateOpportunityHandler(OpportunityStore store, DbSession db, Caller caller)
    : ICommandHandler<CreateOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(CreateOpportunity command, CancellationToken ct)
    {
        var body = command.Body;
        var name = Names.Normalize(body.Name);
        var stages = await store.StagesAsync(ct);
        var stage = body.StageId is { } id
            ? StageStore.Named(stages, id)
            : stages.FirstOrDefault(s => s.Id == Pipelines.LandingStage(stages.Select(x => x.Facts), body.TeamId)?.Id)
                .OrBroken(Pipelines.NoOpenStage);
        Pipelines.CheckInPipeline(stage.Facts, body.TeamId).ThrowIfBroken();
        Closing.CheckStartsOpen(stage.Facts).ThrowIfBroken();
        if (body.ExternalRef is { } reference)
            ExternalRefs.CheckFree(reference, await store.ExternalRefHolderAsync(reference, ct)).ThrowIfBroken();

        var now = store.Now;
        var row = new OpportunityRow
        {
            Name = name,
            TeamId = body.TeamId,
            StageId = stage.Id,
            ProbabilityState = ProbabilityPolicy.Initial(stage.Facts, body.Probability),
            ExpectedRevenueCents = Cents.Of(body.ExpectedRevenue),
            Active = true,
            OutcomeValue = Outcome.Open,
            StageChangedAtMs = now,
            ExternalRef = body.ExternalRef,
            Version = 1,
            CreatedAtMs = now,
            UpdatedAtMs = now,
        };
        row.Id = await db.InsertAsync(Sql.Insert, new
        {
            caller.TenantId, row.Name, row.TeamId, row.StageId, row.ProbabilityBp, row.ProbabilitySource, row.ExpectedRevenueCents,
            row.Outcome, row.StageChangedAtMs, row.ExternalRef, Now = now,
        }, ct);
        await store.RecordAsync(row, null, stage, null, HistoryCause.Created, ct);
        return row.ToDto();
    }

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO Opportunities (TenantId, Name, TeamId, StageId, ProbabilityBp, ProbabilitySource, ExpectedRevenueCents, Active,
                Outcome, LostReason, StageChangedAtMs, ExternalRef, Version, CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @Name, @TeamId, @StageId, @ProbabilityBp, @ProbabilitySource, @ExpectedRevenueCents, 1,
                @Outcome, NULL, @StageChangedAtMs, @ExternalRef, 1, @Now, @Now);
            """;
    }
}
