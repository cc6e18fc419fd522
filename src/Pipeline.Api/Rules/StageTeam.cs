namespace Pipeline.Api.Rules;

/// <summary>Rule 8: a stage changes team only when no opportunity in it would fall outside its pipeline.</summary>
public static class StageTeam
{
    public static RuleViolation? CheckChange(StageFacts stage, long? newTeamId, IEnumerable<long?> teamsInStage)
    {
        if (stage.TeamId == newTeamId) return null;
        if (stage.IsClosing)
            return new RuleViolation("closing-stage-team", "The closing stage is shared by every team; it cannot belong to one.", ViolationKind.Unprocessable);
        if (newTeamId is null) return null;
        var others = teamsInStage.Where(t => t != newTeamId).ToList();
        return others.Count == 0
            ? null
            : new RuleViolation(
                "stage-team-in-use",
                $"Stage '{stage.Name}' holds opportunities of other teams ({string.Join(", ", others.Select(t => t?.ToString() ?? "none"))}); "
                + $"they would fall outside their pipeline if it moved to team {newTeamId}.",
                ViolationKind.Conflict);
    }
}
