namespace Pipeline.Api.Rules;

/// <summary>
/// Rule 10: stages are ordered by sequence then id. Sequences are kept distinct per tenant, so a pipeline's
/// order can change by permuting its own sequence slots without moving any other team's stage.
/// </summary>
public static class StageOrder
{
    /// <summary>
    /// The sequence a new stage takes; every stage at or after it moves one step. By default just before the
    /// closing stage; with a 1-based <paramref name="position"/> in the pipeline, before the stage now there. The
    /// closing stage stays the last column: a position at or past it lands just before it.
    /// </summary>
    public static int InsertionSequence(IReadOnlyList<StageFacts> tenantStages, long? teamId, int? position)
    {
        var open = Pipelines.Of(tenantStages, teamId).TakeWhile(s => !s.IsClosing).ToList();
        var closing = Pipelines.Of(tenantStages, teamId).FirstOrDefault(s => s.IsClosing);
        var after = tenantStages.Count == 0 ? 1 : tenantStages.Max(s => s.Sequence) + 1;
        return position is { } p && p <= open.Count ? open[p - 1].Sequence : closing?.Sequence ?? after;
    }

    /// <summary>Reorder takes the full list of one pipeline: every one of its stages, each once, and no other.</summary>
    public static RuleViolation? CheckOrder(IReadOnlyList<StageFacts> pipeline, IReadOnlyList<long> requested)
    {
        var expected = pipeline.Select(s => s.Id).ToHashSet();
        var duplicates = requested.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        var missing = expected.Except(requested).ToList();
        var unknown = requested.Distinct().Except(expected).ToList();
        if (duplicates.Count + missing.Count + unknown.Count == 0)
            return pipeline.FirstOrDefault(s => s.IsClosing) is { } closing && requested[^1] != closing.Id
                ? new RuleViolation("closing-stage-last",
                    $"'{closing.Name}' is the closing stage: it is always the last column, so the order must end with {closing.Id}.",
                    ViolationKind.Unprocessable)
                : null;
        return new RuleViolation(
            "order-mismatch",
            "The order must list every stage of the pipeline exactly once."
            + Describe(" Missing: ", missing) + Describe(" Not in this pipeline: ", unknown) + Describe(" Repeated: ", duplicates),
            ViolationKind.Unprocessable,
            new Dictionary<string, object?> { ["missing"] = missing, ["unknown"] = unknown, ["repeated"] = duplicates });
    }

    /// <summary>
    /// The new sequence of each stage whose place changes when the pipeline is put in <paramref name="requested"/>
    /// order (one that passed <see cref="CheckOrder"/>): the pipeline's own sequence slots, permuted.
    /// </summary>
    public static IReadOnlyList<(long StageId, int Sequence)> Reorder(IReadOnlyList<StageFacts> pipeline, IReadOnlyList<long> requested)
    {
        var slots = pipeline.Select(s => s.Sequence).Order().ToList();
        var current = pipeline.ToDictionary(s => s.Id, s => s.Sequence);
        return requested.Select((id, i) => (id, slots[i])).Where(x => current[x.id] != x.Item2).ToList();
    }

    private static string Describe(string label, List<long> ids) => ids.Count == 0 ? "" : label + string.Join(", ", ids) + ".";
}
