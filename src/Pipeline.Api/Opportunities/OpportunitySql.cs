namespace Pipeline.Api.Opportunities;

/// <summary>The statements on opportunities that more than one use case runs.</summary>
public static class OpportunitySql
{
    public const string Columns = "Id, Name, TeamId, StageId, ProbabilityBp, ProbabilitySource, ExpectedRevenueCents, Active, Outcome, "
                                  + "LostReason, StageChangedAtMs, ExternalRef, Version, CreatedAtMs, UpdatedAtMs";

    public const string Load = $"SELECT {Columns} FROM Opportunities WHERE TenantId = @TenantId AND Id = @Id";

    public const string ByExternalRef = "SELECT Id FROM Opportunities WHERE TenantId = @TenantId AND ExternalRef = @ExternalRef";

    /// <summary>Optimistic: writes only the version that was read.</summary>
    public const string Update = """
        UPDATE Opportunities
        SET Name = @Name, TeamId = @TeamId, StageId = @StageId, ProbabilityBp = @ProbabilityBp, ProbabilitySource = @ProbabilitySource,
            ExpectedRevenueCents = @ExpectedRevenueCents, Active = @Active, Outcome = @Outcome, LostReason = @LostReason,
            StageChangedAtMs = @StageChangedAtMs, ExternalRef = @ExternalRef, Version = Version + 1, UpdatedAtMs = @UpdatedAtMs
        WHERE TenantId = @TenantId AND Id = @Id AND Version = @Version
        """;

    /// <summary>Rule 11: one history entry, with the stage names as they are now.</summary>
    public const string RecordHistory = """
        INSERT INTO OpportunityHistory (TenantId, OpportunityId, OccurredAtMs, Cause, FromStageId, FromStageName,
            ToStageId, ToStageName, ProbabilityBeforeBp, ProbabilityAfterBp, RuleId, EventId, Actor)
        VALUES (@TenantId, @OpportunityId, @Now, @Cause, @FromStageId, @FromStageName,
            @ToStageId, @ToStageName, @ProbabilityBeforeBp, @ProbabilityAfterBp, @RuleId, @EventId, @Actor)
        """;
}
