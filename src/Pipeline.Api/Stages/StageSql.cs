namespace Pipeline.Api.Stages;

/// <summary>The statements on stages that more than one use case runs (commands, queries, the board).</summary>
public static class StageSql
{
    public const string Columns = "Id, Name, Sequence, TeamId, Folded, ProbabilityBp, AutoProbability, IsClosing, RottingDays, Version";

    public const string All = $"SELECT {Columns} FROM Stages WHERE TenantId = @TenantId ORDER BY Sequence, Id";

    /// <summary>A team's pipeline: the shared stages plus the team's own.</summary>
    public const string Pipeline = $"""
        SELECT {Columns} FROM Stages
        WHERE TenantId = @TenantId AND (TeamId IS NULL OR TeamId = @TeamId)
        ORDER BY Sequence, Id
        """;

    public const string One = $"SELECT {Columns} FROM Stages WHERE TenantId = @TenantId AND Id = @Id";

    public const string RulesTargeting = """
        SELECT Id AS RuleId, TeamId FROM AutomationRules WHERE TenantId = @TenantId AND TargetStageId = @StageId ORDER BY Id
        """;

    public const string TeamsInStage = "SELECT DISTINCT TeamId FROM Opportunities WHERE TenantId = @TenantId AND StageId = @StageId";

    public const string Update = """
        UPDATE Stages
        SET Name = @Name, TeamId = @TeamId, Folded = @Folded, ProbabilityBp = @ProbabilityBp,
            AutoProbability = @AutoProbability, RottingDays = @RottingDays, Version = Version + 1, UpdatedAtMs = @Now
        WHERE TenantId = @TenantId AND Id = @Id
        """;

    /// <summary>Rule 5: every open opportunity whose probability follows the stage takes the stage's, in one statement.</summary>
    public const string Reassign = """
        UPDATE Opportunities
        SET ProbabilityBp = @ProbabilityBp, Version = Version + 1, UpdatedAtMs = @Now
        WHERE TenantId = @TenantId AND StageId = @StageId
          AND Outcome = 'open' AND ProbabilitySource = 'stage' AND ProbabilityBp <> @ProbabilityBp
        """;
}
