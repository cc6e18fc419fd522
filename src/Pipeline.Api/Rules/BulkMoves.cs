namespace Pipeline.Api.Rules;

/// <summary>
/// A bulk move is a move, n times, in one transaction: all or nothing. Every opportunity must exist, be open and have
/// the target in its pipeline; otherwise nothing moves and each offending id is named with why.
/// </summary>
public static class BulkMoves
{
    public const int MaxOpportunities = 500;

    /// <summary>One offending id: the problem type it would have had alone, and why.</summary>
    public sealed record ItemProblem(long Id, string Type, string Detail);

    /// <param name="requested">The ids asked for, in order.</param>
    /// <param name="found">The tenant's opportunities among them (another tenant's ids are not found).</param>
    /// <param name="target">The stage they move to.</param>
    public static RuleViolation? CheckAll(
        IReadOnlyList<long> requested, IReadOnlyDictionary<long, OpportunityFacts> found, StageFacts target)
    {
        var problems = requested
            .Select(id => found.TryGetValue(id, out var o) ? Check(id, o, target) : NotFound(id))
            .OfType<ItemProblem>()
            .ToList();
        return problems.Count == 0
            ? null
            : new RuleViolation(
                "bulk-move-refused",
                $"{problems.Count} of the {requested.Count} opportunities cannot move to '{target.Name}'; nothing moved. See problems.",
                ViolationKind.Unprocessable,
                new Dictionary<string, object?> { ["problems"] = problems });
    }

    private static ItemProblem? Check(long id, OpportunityFacts opportunity, StageFacts target) =>
        (Closing.CheckOpen(opportunity.Outcome, "it cannot move") ?? Pipelines.CheckInPipeline(target, opportunity.TeamId)) is { } v
            ? new ItemProblem(id, v.Type, v.Message)
            : null;

    private static ItemProblem NotFound(long id) => new(id, RuleViolation.TypeBase + "not-found", $"Opportunity {id} was not found.");
}
