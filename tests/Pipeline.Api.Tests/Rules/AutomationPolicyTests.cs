using System.Text.RegularExpressions;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Tests.Rules;

public sealed class AutomationPolicyTests
{
    private static readonly StageFacts[] Stages = [.. Stage.Defaults, Stage.Make(6, "Métré", sequence: 2, team: 1)];

    private static AutomationRuleFacts Rule(long id, string type, long target, long? team = null, bool forwardOnly = true, bool enabled = true, int? sequence = null) =>
        new(id, type, target, team, forwardOnly, enabled, sequence ?? (int)id);

    private static OpportunityFacts In(long stageId, long? team = null, Outcome outcome = Outcome.Open) =>
        new(team, stageId, 10m, ProbabilitySource.Stage, outcome, true);

    private static AutomationDecision Decide(string type, OpportunityFacts opportunity, params AutomationRuleFacts[] rules) =>
        AutomationPolicy.Decide(type, opportunity, rules, Stages);

    [Test]
    public void TheFirstEnabledMatchingRule_Moves()
    {
        var decision = Decide("quote.issued", In(1), Rule(1, "quote.issued", 4), Rule(2, "quote.issued", 3));

        Assert.That(decision, Is.EqualTo(new AutomationDecision.Move(Rule(1, "quote.issued", 4), Stages[3])));
    }

    [Test]
    public void RulesAreTriedInSequenceOrder_NotIdOrder()
    {
        var decision = Decide("quote.issued", In(1), Rule(1, "quote.issued", 4, sequence: 5), Rule(2, "quote.issued", 3, sequence: 1));

        Assert.That(((AutomationDecision.Move)decision).Rule.Id, Is.EqualTo(2));
    }

    [Test]
    public void ForwardOnly_NeverMovesBack_ButAFreeRuleMay()
    {
        Assert.That(Decide("estimate.generated", In(4), Rule(1, "estimate.generated", 2)),
            Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.TargetNotForward, 1)));
        Assert.That(Decide("estimate.generated", In(4), Rule(1, "estimate.generated", 2, forwardOnly: false)), Is.TypeOf<AutomationDecision.Move>());
    }

    [Test]
    public void TheStageItIsAlreadyIn_IsNotForward() =>
        Assert.That(Decide("quote.issued", In(4), Rule(1, "quote.issued", 4, forwardOnly: false)),
            Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.TargetNotForward, 1)));

    [TestCase(Outcome.Won)]
    [TestCase(Outcome.Lost)]
    public void AClosedOpportunity_IsNeverMoved(Outcome outcome) =>
        Assert.That(Decide("quote.issued", In(5, outcome: outcome), Rule(1, "quote.issued", 4)),
            Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.OpportunityClosed)));

    [Test]
    public void NoRuleForTheEventOrTheTeam_IsNoMatchingRule()
    {
        Assert.That(Decide("invoice.paid", In(1), Rule(1, "quote.issued", 4)), Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.NoMatchingRule)));
        Assert.That(Decide("quote.issued", In(1, team: 2), Rule(1, "quote.issued", 4, team: 1)), Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.NoMatchingRule)));
    }

    [Test]
    public void OnlyDisabledRules_IsRuleDisabled() =>
        Assert.That(Decide("quote.issued", In(1), Rule(3, "quote.issued", 4, enabled: false)), Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.RuleDisabled, 3)));

    [Test]
    public void ATargetOutsideThePipeline_FallsThroughToTheNextRule_OrIsReported()
    {
        Assert.That(Decide("measure.taken", In(1), Rule(1, "measure.taken", 6), Rule(2, "measure.taken", 3)),
            Is.EqualTo(new AutomationDecision.Move(Rule(2, "measure.taken", 3), Stages[2])));
        Assert.That(Decide("measure.taken", In(1), Rule(1, "measure.taken", 6)),
            Is.EqualTo(new AutomationDecision.Ignore(IgnoredReason.TargetOutsidePipeline, 1)));
        Assert.That(Decide("measure.taken", In(1, team: 1), Rule(1, "measure.taken", 6)), Is.TypeOf<AutomationDecision.Move>());
    }

    [Test]
    public void ATeamRule_AppliesToThatTeamOnly_AndBeforeALaterSharedRule()
    {
        var decision = Decide("measure.taken", In(1, team: 1), Rule(1, "measure.taken", 6, team: 1), Rule(2, "measure.taken", 3));

        Assert.That(((AutomationDecision.Move)decision).Target.Name, Is.EqualTo("Métré"));
    }

    [TestCase("quote.issued", ExpectedResult = true)]
    [TestCase("technical_visit.scheduled", ExpectedResult = true)]
    [TestCase("a.b.c", ExpectedResult = true)]
    [TestCase("quote", ExpectedResult = false)]
    [TestCase("Quote.issued", ExpectedResult = false)]
    [TestCase("quote.", ExpectedResult = false)]
    [TestCase(".issued", ExpectedResult = false)]
    [TestCase("1quote.issued", ExpectedResult = false)]
    [TestCase("quote issued", ExpectedResult = false)]
    public bool EventTypes_AreDottedLowerCaseNames(string type) => IsEventType(type);

    /// <summary>The pattern the request validation applies (a [RegularExpression] attribute matches the whole value).</summary>
    private static bool IsEventType(string type) => Regex.IsMatch(type, AutomationPolicy.EventTypePattern);

    [Test]
    public void ARuleTarget_IsAnOpenStageOfTheRulesTeamPipeline()
    {
        Assert.That(AutomationPolicy.CheckTarget(Stages[3], null), Is.Null);
        Assert.That(AutomationPolicy.CheckTarget(Stages[3], 1), Is.Null);
        Assert.That(AutomationPolicy.CheckTarget(Stages[5], 1), Is.Null);
        Assert.That(AutomationPolicy.CheckTarget(Stages[5], null)?.Code, Is.EqualTo("invalid-rule-target"));
        Assert.That(AutomationPolicy.CheckTarget(Stages[5], 2)?.Kind, Is.EqualTo(ViolationKind.Unprocessable));
        Assert.That(AutomationPolicy.CheckTarget(Stages[4], null)?.Code, Is.EqualTo("invalid-rule-target"));
    }

    [Test]
    public void TheDefaultRules_TargetDefaultStages()
    {
        var names = DefaultStages.All.Where(s => !s.IsClosing).Select(s => s.Name).ToHashSet();
        Assert.That(AutomationPolicy.Defaults.Select(d => d.TargetStage).Distinct(), Is.SubsetOf(names));
        Assert.That(AutomationPolicy.Defaults.Select(d => d.EventType), Has.All.Matches<string>(IsEventType));
    }
}
