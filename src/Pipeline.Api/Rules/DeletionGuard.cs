namespace Pipeline.Api.Rules;

/// <summary>Rule 7: a stage that holds any opportunity, active or archived, is never deleted out from under it.</summary>
public static class DeletionGuard
{
    public const string NotEmptyCode = "stage-not-empty";

    public static RuleViolation? CheckDeletable(StageFacts stage) =>
        stage.IsClosing
            ? new RuleViolation(
                "closing-stage", $"'{stage.Name}' is the closing stage (won / lost); it cannot be deleted.", ViolationKind.Conflict)
            : null;

    /// <summary>A stage an automation rule targets stays until the rules are changed or removed.</summary>
    public static RuleViolation? CheckNotTargeted(StageFacts stage, IReadOnlyList<long> ruleIds) =>
        ruleIds.Count == 0
            ? null
            : new RuleViolation(
                "stage-targeted-by-rules",
                $"Automation rules {string.Join(", ", ruleIds)} move opportunities to '{stage.Name}'. Change or delete them first.",
                ViolationKind.Conflict,
                new Dictionary<string, object?> { ["ruleIds"] = ruleIds });

    public static RuleViolation? CheckEmpty(StageFacts stage, long activeCount, long archivedCount) =>
        activeCount + archivedCount == 0
            ? null
            : NotEmpty(stage, activeCount, archivedCount);

    public static RuleViolation NotEmpty(StageFacts stage, long activeCount, long archivedCount) => new(
        NotEmptyCode,
        $"Stage '{stage.Name}' still holds {activeCount} active and {archivedCount} archived opportunities. "
        + "Move them to another stage first (look for archived, inactive opportunities too), "
        + "or delete with moveOpportunitiesTo={stageId} to move them all in the same step.",
        ViolationKind.Conflict,
        new Dictionary<string, object?> { ["activeCount"] = activeCount, ["archivedCount"] = archivedCount });

    /// <summary>The stage that takes the opportunities of a deleted one: another open stage, in every one's pipeline.</summary>
    public static RuleViolation? CheckMoveTarget(StageFacts deleted, StageFacts target, IEnumerable<long?> teamsInStage)
    {
        if (target.Id == deleted.Id)
            return Unprocessable("The opportunities cannot be moved to the stage being deleted.");
        if (target.IsClosing)
            return Unprocessable($"'{target.Name}' is the closing stage; open opportunities move to an open stage.");
        var outside = teamsInStage.Where(team => !Pipelines.Contains(target, team)).ToList();
        return outside.Count == 0
            ? null
            : Unprocessable($"Stage '{target.Name}' is not in the pipeline of every opportunity to move (teams: {Teams(outside)}).");
    }

    public static RuleViolation UnknownMoveTarget(long stageId) =>
        Unprocessable($"moveOpportunitiesTo names no stage ({stageId}).");

    private static RuleViolation Unprocessable(string message) => new("invalid-move-target", message, ViolationKind.Unprocessable);

    internal static string Teams(IEnumerable<long?> teams) => string.Join(", ", teams.Select(t => t?.ToString() ?? "none"));
}
