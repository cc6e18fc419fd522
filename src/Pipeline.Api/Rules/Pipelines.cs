namespace Pipeline.Api.Rules;

/// <summary>Rule 1 and 10: which stages form a team's pipeline, in which order, and where new opportunities land.</summary>
public static class Pipelines
{
    /// <summary>A team's pipeline is the shared stages (no team) plus that team's own stages.</summary>
    public static bool Contains(StageFacts stage, long? teamId) => stage.TeamId is null || stage.TeamId == teamId;

    public static IReadOnlyList<StageFacts> Of(IEnumerable<StageFacts> stages, long? teamId) =>
        Ordered(stages.Where(s => Contains(s, teamId)));

    public static IReadOnlyList<StageFacts> Ordered(IEnumerable<StageFacts> stages) =>
        stages.OrderBy(s => s.Sequence).ThenBy(s => s.Id).ToList();

    /// <summary>The first non-folded open stage of the pipeline; a folded one if every open stage is folded; null if none.</summary>
    public static StageFacts? LandingStage(IEnumerable<StageFacts> stages, long? teamId)
    {
        var open = Of(stages, teamId).Where(s => !s.IsClosing).ToList();
        return open.FirstOrDefault(s => !s.Folded) ?? open.FirstOrDefault();
    }

    public static RuleViolation NoOpenStage() =>
        new("no-open-stage", "The pipeline has no open stage for an opportunity to land in.", ViolationKind.Unprocessable);

    /// <summary>A stage named in a request body that does not exist (for this tenant) can never be used.</summary>
    public static RuleViolation UnknownStage(long stageId) =>
        new("unknown-stage", $"Stage {stageId} does not exist.", ViolationKind.Unprocessable);

    public static RuleViolation? CheckInPipeline(StageFacts stage, long? teamId) =>
        Contains(stage, teamId)
            ? null
            : new RuleViolation(
                "stage-outside-pipeline",
                $"Stage {stage.Id} ('{stage.Name}') belongs to team {stage.TeamId}; it is not in the pipeline of "
                + $"{(teamId is null ? "opportunities without a team" : $"team {teamId}")}.",
                ViolationKind.Unprocessable);
}
