using System.Globalization;
using System.Text;

namespace Pipeline.Api.Rules;

/// <summary>
/// Names people read (stages, opportunities, lost reasons): stored in Unicode NFC and trimmed; a name with a control
/// or invisible (format) character, or nothing but white space, is refused, so no column looks blank or doubled.
/// </summary>
public static class Names
{
    public static string Normalize(string name) => name.Normalize(NormalizationForm.FormC).Trim();

    public static bool IsValid(string name) => !string.IsNullOrWhiteSpace(name) && !name.Any(IsInvisible);

    /// <summary>The form two names are compared in: normalized and case-folded (<c>devis</c> clashes with <c>Devis</c>).</summary>
    public static string Key(string name) => Normalize(name).ToUpperInvariant();

    private static bool IsInvisible(char c) => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format;
}

/// <summary>Rule 9: stage names are unique, after normalization and ignoring case, among the stages that can share a pipeline.</summary>
public static class StageNames
{
    public const int MaxLength = 100;

    public static RuleViolation? CheckUnique(string name, long? teamId, long? selfId, IEnumerable<StageFacts> tenantStages)
    {
        var key = Names.Key(name);
        var clash = tenantStages.FirstOrDefault(s =>
            s.Id != selfId
            && Names.Key(s.Name) == key
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
