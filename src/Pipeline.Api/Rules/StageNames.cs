namespace Pipeline.Api.Rules;

/// <summary>Rule 9: names are trimmed and unique, ignoring case, among the stages that can share a pipeline.</summary>
public static class StageNames
{
    public const int MaxLength = 100;

    public static string Normalize(string name) => name.Trim();

    public static RuleViolation? CheckUnique(string name, long? teamId, long? selfId, IEnumerable<StageFacts> tenantStages)
    {
        var clash = tenantStages.FirstOrDefault(s =>
            s.Id != selfId
            && string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)
            && (s.TeamId is null || teamId is null || s.TeamId == teamId));
        return clash is null
            ? null
            : new RuleViolation(
                "duplicate-stage-name",
                $"A stage named '{clash.Name}' (id {clash.Id}) already appears in the same pipeline.",
                ViolationKind.Conflict,
                new Dictionary<string, object?> { ["stageId"] = clash.Id });
    }
}
