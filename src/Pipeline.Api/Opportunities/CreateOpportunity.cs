using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Http;
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
public sealed record CreateOpportunity(
    [property: Required, StringLength(200, MinimumLength = 1)] string Name,
    long? TeamId = null,
    long? StageId = null,
    [property: Money] decimal ExpectedRevenue = 0m,
    [property: Percentage] decimal? Probability = null,
    [property: StringLength(100, MinimumLength = 1)] string? ExternalRef = null) : ICommand<OpportunityDto>;

public sealed class CreateOpportunityHandler(OpportunityStore store, DbSession db, Caller caller) : ICommandHandler<CreateOpportunity, OpportunityDto>
{
    public async ValueTask<OpportunityDto> Handle(CreateOpportunity command, CancellationToken ct)
    {
        var name = command.Name.Trim();
        if (name.Length == 0) throw new BadRequestException("name", "name must not be blank.");
        var stages = await store.StagesAsync(ct);
        var facts = stages.Select(s => s.Facts).ToList();
        var stage = command.StageId is { } id
            ? StageStore.Named(stages, id)
            : stages.Single(s => s.Id == Pipelines.LandingStage(facts, command.TeamId).Id);
        Pipelines.CheckInPipeline(stage.Facts, command.TeamId).ThrowIfBroken();
        if (stage.IsClosing)
            throw new RuleViolationException(new RuleViolation("outcome-required",
                "An opportunity starts in an open stage; create it, then mark it won or lost.", ViolationKind.Unprocessable));
        if (command.ExternalRef is { } reference) await store.CheckExternalRefFreeAsync(reference, ct);

        var now = store.Now;
        var row = new OpportunityRow
        {
            Name = name,
            TeamId = command.TeamId,
            StageId = stage.Id,
            ProbabilityState = ProbabilityPolicy.Initial(stage.Facts, command.Probability),
            ExpectedRevenueCents = Money.ToCents(command.ExpectedRevenue),
            Active = true,
            OutcomeValue = Outcome.Open,
            StageChangedAtMs = now,
            ExternalRef = command.ExternalRef,
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

    internal static class Sql
    {
        public const string Insert = """
            INSERT INTO Opportunities (TenantId, Name, TeamId, StageId, ProbabilityBp, ProbabilitySource, ExpectedRevenueCents, Active,
                Outcome, LostReason, StageChangedAtMs, ExternalRef, Version, CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @Name, @TeamId, @StageId, @ProbabilityBp, @ProbabilitySource, @ExpectedRevenueCents, 1,
                @Outcome, NULL, @StageChangedAtMs, @ExternalRef, 1, @Now, @Now);
            """;
    }
}
