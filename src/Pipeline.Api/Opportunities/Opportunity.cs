using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Opportunities;

/// <summary>A sales opportunity and where it sits in the pipeline.</summary>
/// <param name="Id">Opportunity id.</param>
/// <param name="Name">What is being sold, e.g. "Rénovation toiture – Dupont".</param>
/// <param name="TeamId">Sales team; its pipeline is the shared stages plus the team's own.</param>
/// <param name="StageId">The stage the opportunity is in.</param>
/// <param name="Probability">Probability of success, 0.00–100.00.</param>
/// <param name="ProbabilitySource">`stage` when it follows the stage, `manual` when set by hand.</param>
/// <param name="ExpectedRevenue">Expected revenue, exact to the cent.</param>
/// <param name="Active">False when archived (lost opportunities are archived).</param>
/// <param name="Outcome">`open`, `won` or `lost`.</param>
/// <param name="LostReason">Why it was lost.</param>
/// <param name="StageChangedAt">When it entered its current stage.</param>
/// <param name="ExternalRef">The calling module's own reference, unique per tenant.</param>
/// <param name="Version">Concurrency version, also served as the strong ETag.</param>
/// <param name="CreatedAt">Creation time.</param>
/// <param name="UpdatedAt">Last change.</param>
public sealed record OpportunityDto(
    long Id,
    string Name,
    long? TeamId,
    long StageId,
    decimal Probability,
    ProbabilitySource ProbabilitySource,
    decimal ExpectedRevenue,
    bool Active,
    Outcome Outcome,
    string? LostReason,
    DateTimeOffset StageChangedAt,
    string? ExternalRef,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt) : IVersioned;

/// <summary>One stage change of an opportunity, with the stage names as they were then.</summary>
/// <param name="Id">Entry id (entries are ordered by id).</param>
/// <param name="OccurredAt">When.</param>
/// <param name="Cause">created, moved, won, lost, reopened, automation or stage_deleted.</param>
/// <param name="FromStageId">The stage left (null on creation).</param>
/// <param name="FromStageName">Its name at the time.</param>
/// <param name="ToStageId">The stage entered.</param>
/// <param name="ToStageName">Its name at the time.</param>
/// <param name="ProbabilityBefore">Probability before the change.</param>
/// <param name="ProbabilityAfter">Probability after the change.</param>
/// <param name="RuleId">The automation rule that moved it.</param>
/// <param name="EventId">The event that triggered the rule.</param>
/// <param name="Actor">Who: the token's subject.</param>
public sealed record HistoryEntryDto(
    long Id,
    DateTimeOffset OccurredAt,
    HistoryCause Cause,
    long? FromStageId,
    string? FromStageName,
    long ToStageId,
    string ToStageName,
    decimal? ProbabilityBefore,
    decimal ProbabilityAfter,
    long? RuleId,
    string? EventId,
    string Actor);

public sealed class OpportunityRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public long? TeamId { get; set; }
    public long StageId { get; set; }
    public int ProbabilityBp { get; set; }
    public string ProbabilitySource { get; set; } = "stage";
    public long ExpectedRevenueCents { get; set; }
    public bool Active { get; set; }
    public string Outcome { get; set; } = "open";
    public string? LostReason { get; set; }
    public long StageChangedAtMs { get; set; }
    public string? ExternalRef { get; set; }
    public long Version { get; set; }
    public long CreatedAtMs { get; set; }
    public long UpdatedAtMs { get; set; }

    public Outcome OutcomeValue
    {
        get => EnumText.Parse<Outcome>(Outcome);
        set => Outcome = EnumText.Of(value);
    }

    public ProbabilityState ProbabilityState
    {
        get => new(Hundredths.ToPercent(ProbabilityBp), EnumText.Parse<ProbabilitySource>(ProbabilitySource));
        set => (ProbabilityBp, ProbabilitySource) = (Hundredths.Of(value.Value), EnumText.Of(value.Source));
    }

    public OpportunityFacts Facts => new(TeamId, StageId, Hundredths.ToPercent(ProbabilityBp),
        EnumText.Parse<ProbabilitySource>(ProbabilitySource), OutcomeValue, Active);

    public OpportunityDto ToDto() => new(
        Id, Name, TeamId, StageId, Hundredths.ToPercent(ProbabilityBp), EnumText.Parse<ProbabilitySource>(ProbabilitySource),
        Cents.ToAmount(ExpectedRevenueCents), Active, OutcomeValue, LostReason, Time(StageChangedAtMs), ExternalRef, Version,
        Time(CreatedAtMs), Time(UpdatedAtMs));

    private static DateTimeOffset Time(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}

public sealed class HistoryRow
{
    public long Id { get; init; }
    public long OccurredAtMs { get; init; }
    public string Cause { get; init; } = "";
    public long? FromStageId { get; init; }
    public string? FromStageName { get; init; }
    public long ToStageId { get; init; }
    public string ToStageName { get; init; } = "";
    public int? ProbabilityBeforeBp { get; init; }
    public int ProbabilityAfterBp { get; init; }
    public long? RuleId { get; init; }
    public string? EventId { get; init; }
    public string Actor { get; init; } = "";

    public HistoryEntryDto ToDto() => new(
        Id, DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs), EnumText.Parse<HistoryCause>(Cause), FromStageId, FromStageName,
        ToStageId, ToStageName, ProbabilityBeforeBp is { } b ? Hundredths.ToPercent(b) : null, Hundredths.ToPercent(ProbabilityAfterBp),
        RuleId, EventId, Actor);
}
