namespace Pipeline.Api.Rules;

/// <summary>Rule 8: a stage changes team only when no opportunity in it would fall outside its pipeline.</summary>
public static class StageTeam
{
    public static RuleViolation? CheckChange(StageFacts stage, long? newTeamId, IEnumerable<long?> teamsInStage)
    {
        if (stage.TeamId == newTeamId) return null;
        if (stage.IsClosing)
            return new RuleViolation(
                "closing-stage-team", "The closing stage is shared by every team; it cannot belong to one.", ViolationKind.Unprocessable);
        if (newTeamId is null) return null;
        var others = teamsInStage.Where(t => t != newTeamId).ToList();
        return others.Count == 0
            ? null
            : new RuleViolation(
                "stage-team-in-use",
                $"Stage '{stage.Name}' holds opportunities of other teams ({DeletionGuard.Teams(others)}); "
                + $"they would fall outside their pipeline if it moved to team {newTeamId}.",
                ViolationKind.Conflict);
    }

    /// <summary>After a team change, every rule targeting the stage must still be able to target it.</summary>
    public static RuleViolation? CheckRules(StageFacts changed, IEnumerable<(long RuleId, long? TeamId)> rules)
    {
        var broken = rules.Where(r => AutomationPolicy.CheckTarget(changed, r.TeamId) is not null).Select(r => r.RuleId).ToList();
        return broken.Count == 0
            ? null
            : new RuleViolation(
                "stage-targeted-by-rules",
                $"Automation rules {string.Join(", ", broken)} move opportunities of other teams to '{changed.Name}'; "
                + $"change or delete them before giving the stage to team {changed.TeamId}.",
                ViolationKind.Conflict,
                new Dictionary<string, object?> { ["ruleIds"] = broken });
    }
}
