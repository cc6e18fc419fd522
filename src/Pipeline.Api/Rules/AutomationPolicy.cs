namespace Pipeline.Api.Rules;

/// <summary>What the rules need to know about an automation rule.</summary>
public sealed record AutomationRuleFacts(
    long Id, string EventType, long TargetStageId, long? TeamId, bool ForwardOnly, bool Enabled, int Sequence);

/// <summary>Why an event moved nothing.</summary>
public enum IgnoredReason { NoMatchingRule, RuleDisabled, TargetOutsidePipeline, TargetNotForward, OpportunityClosed }

/// <summary>What an event does to an opportunity: move it by a rule, or nothing, for a reason.</summary>
public abstract record AutomationDecision
{
    public sealed record Move(AutomationRuleFacts Rule, StageFacts Target) : AutomationDecision;

    public sealed record Ignore(IgnoredReason Reason, long? RuleId = null) : AutomationDecision;
}

/// <summary>"Automatisation des étapes": business events move opportunities forward, by rules, never a closed one.</summary>
public static class AutomationPolicy
{
    public const int MaxEventTypeLength = 100;

    /// <summary>Dotted lower-case names: <c>quote.issued</c>, <c>technical_visit.scheduled</c>.</summary>
    public const string EventTypePattern = @"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$";

    /// <summary>
    /// The first enabled rule for this event type (and the opportunity's team, or every team) whose target is in
    /// the opportunity's pipeline applies; a forward-only rule never moves it back to an earlier column.
    /// </summary>
    public static AutomationDecision Decide(
        string eventType, OpportunityFacts opportunity, IEnumerable<AutomationRuleFacts> rules, IReadOnlyList<StageFacts> stages)
    {
        if (opportunity.Outcome != Outcome.Open) return new AutomationDecision.Ignore(IgnoredReason.OpportunityClosed);

        var matching = rules
            .Where(r => r.EventType == eventType && (r.TeamId is null || r.TeamId == opportunity.TeamId))
            .OrderBy(r => r.Sequence).ThenBy(r => r.Id)
            .ToList();
        if (matching.Count == 0) return new AutomationDecision.Ignore(IgnoredReason.NoMatchingRule);

        var enabled = matching.Where(r => r.Enabled).ToList();
        if (enabled.Count == 0) return new AutomationDecision.Ignore(IgnoredReason.RuleDisabled, matching[0].Id);

        var pipeline = Pipelines.Of(stages, opportunity.TeamId);
        var applicable = enabled
            .Select(r => (Rule: r, Target: pipeline.FirstOrDefault(s => s.Id == r.TargetStageId && !s.IsClosing)))
            .FirstOrDefault(x => x.Target is not null);
        if (applicable.Target is null) return new AutomationDecision.Ignore(IgnoredReason.TargetOutsidePipeline, enabled[0].Id);

        var current = stages.FirstOrDefault(s => s.Id == opportunity.StageId);
        var forward = current is null || Position(applicable.Target).CompareTo(Position(current)) > 0;
        if (applicable.Target.Id == opportunity.StageId || (applicable.Rule.ForwardOnly && !forward))
            return new AutomationDecision.Ignore(IgnoredReason.TargetNotForward, applicable.Rule.Id);

        return new AutomationDecision.Move(applicable.Rule, applicable.Target);
    }

    private static (int, long) Position(StageFacts stage) => (stage.Sequence, stage.Id);

    /// <summary>A rule's target must be an open stage of the rule's team's pipeline.</summary>
    public static RuleViolation? CheckTarget(StageFacts target, long? ruleTeamId)
    {
        if (target.IsClosing)
            return new RuleViolation("invalid-rule-target",
                $"'{target.Name}' is the closing stage; automation moves opportunities between open stages.", ViolationKind.Unprocessable);
        return Pipelines.Contains(target, ruleTeamId)
            ? null
            : new RuleViolation("invalid-rule-target",
                $"Stage '{target.Name}' belongs to team {target.TeamId}; "
                + $"a rule for {(ruleTeamId is null ? "every team" : $"team {ruleTeamId}")} cannot target it.",
                ViolationKind.Unprocessable);
    }

    /// <summary>Reordering rules takes every rule of the tenant, each once.</summary>
    public static RuleViolation? CheckOrder(IReadOnlyCollection<long> ruleIds, IReadOnlyList<long> requested) =>
        requested.Count == ruleIds.Count && ruleIds.ToHashSet().SetEquals(requested)
            ? null
            : new RuleViolation("order-mismatch", "The order must list every automation rule exactly once.", ViolationKind.Unprocessable);

    /// <summary>An event id names one event: a redelivery must carry the same payload.</summary>
    public static RuleViolation? CheckSameEvent(string eventId, bool samePayload) =>
        samePayload
            ? null
            : new RuleViolation("event-id-reused",
                $"Event '{eventId}' was already received with another payload; an event id names one event.", ViolationKind.Unprocessable);

    /// <summary>The default rules provisioned with the default stages (design.md), all forward-only.</summary>
    public static readonly IReadOnlyList<(string EventType, string TargetStage)> Defaults =
    [
        ("estimate.generated", "Estimation"),
        ("technical_visit.scheduled", "Visite Technique"),
        ("technical_visit.completed", "Visite Technique"),
        ("quote.issued", "Devis"),
    ];
}
