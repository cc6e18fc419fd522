namespace Pipeline.Api.Changes;

/// <summary>The members of a resource that differ between two snapshots, with their values before and after.</summary>
public static class ChangedFields
{
    public static List<string> Of(IReadOnlyDictionary<string, object?>? before, IReadOnlyDictionary<string, object?>? after) =>
        (before, after) switch
        {
            ({ } b, { } a) => a.Keys.Where(k => !Equals(a[k], b[k])).ToList(),
            (null, { } a) => a.Keys.ToList(),
            ({ } b, null) => b.Keys.ToList(),
            _ => [],
        };

    public static Dictionary<string, object?>? Only(IReadOnlyList<string> fields, IReadOnlyDictionary<string, object?>? snapshot) =>
        snapshot is null ? null : fields.ToDictionary(f => f, f => snapshot[f]);
}
