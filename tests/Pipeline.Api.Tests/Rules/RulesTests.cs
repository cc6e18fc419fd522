using Pipeline.Api.Rules;

namespace Pipeline.Api.Tests.Rules;

internal static class Stage
{
    public static StageFacts Make(long id, string name = "S", int? sequence = null, long? team = null, bool folded = false,
        decimal? probability = 10m, bool auto = true, bool closing = false) =>
        new(id, name, sequence ?? (int)id, team, folded, closing ? null : probability, !closing && auto, closing);

    public static readonly StageFacts[] Defaults =
    [
        Make(1, "Nouveau", probability: 10m),
        Make(2, "Estimation", probability: 20m),
        Make(3, "Visite Technique", probability: 50m),
        Make(4, "Devis", probability: 80m),
        Make(5, "Gagné / Perdu", closing: true),
    ];
}

public sealed class PipelinesTests
{
    [Test]
    public void APipeline_IsTheSharedStagesPlusTheTeamsOwn_InSequenceThenIdOrder()
    {
        StageFacts[] stages = [Stage.Make(3, sequence: 1, team: 1), Stage.Make(2, sequence: 1), Stage.Make(1, sequence: 2, team: 2), Stage.Make(4, sequence: 0)];

        Assert.That(Pipelines.Of(stages, 1).Select(s => s.Id), Is.EqualTo(new[] { 4L, 2, 3 }));
        Assert.That(Pipelines.Of(stages, null).Select(s => s.Id), Is.EqualTo(new[] { 4L, 2 }));
    }

    [Test]
    public void LandingStage_IsTheFirstUnfoldedOpenStage()
    {
        StageFacts[] stages = [Stage.Make(1, folded: true), Stage.Make(2, team: 9), Stage.Make(3), Stage.Make(4, closing: true, sequence: 0)];

        Assert.That(Pipelines.LandingStage(stages, null)?.Id, Is.EqualTo(3));
        Assert.That(Pipelines.LandingStage(stages, 9)?.Id, Is.EqualTo(2));
    }

    [Test]
    public void LandingStage_FallsBackToAFoldedOpenStage_AndIsNoneWithoutAny()
    {
        Assert.That(Pipelines.LandingStage([Stage.Make(1, folded: true), Stage.Make(2, closing: true)], null)?.Id, Is.EqualTo(1));
        Assert.That(Pipelines.LandingStage([Stage.Make(2, closing: true)], null), Is.Null);
        Assert.That(Pipelines.NoOpenStage().Code, Is.EqualTo("no-open-stage"));
    }

    [Test]
    public void AnotherTeamsStage_IsOutsideThePipeline()
    {
        Assert.That(Pipelines.CheckInPipeline(Stage.Make(1, team: 2), 1)?.Code, Is.EqualTo("stage-outside-pipeline"));
        Assert.That(Pipelines.CheckInPipeline(Stage.Make(1, team: 2), null)?.Kind, Is.EqualTo(ViolationKind.Unprocessable));
        Assert.That(Pipelines.CheckInPipeline(Stage.Make(1, team: 2), 2), Is.Null);
        Assert.That(Pipelines.CheckInPipeline(Stage.Make(1), 7), Is.Null);
    }
}

public sealed class ProbabilityPolicyTests
{
    private static readonly ProbabilityState Manual33 = new(33m, ProbabilitySource.Manual);

    [Test]
    public void EnteringAnAutoStage_TakesItsProbability_EvenOverAManualOne() =>
        Assert.That(ProbabilityPolicy.OnEnter(Manual33, Stage.Make(1, probability: 80m)), Is.EqualTo(new ProbabilityState(80m, ProbabilitySource.Stage)));

    [Test]
    public void EnteringANonAutoStage_KeepsProbabilityAndSource() =>
        Assert.That(ProbabilityPolicy.OnEnter(Manual33, Stage.Make(1, probability: 80m, auto: false)), Is.EqualTo(Manual33));

    [Test]
    public void EnteringTheClosingStage_DoesNotApplyRule3() =>
        Assert.That(ProbabilityPolicy.OnEnter(Manual33, Stage.Make(1, closing: true)), Is.EqualTo(Manual33));

    [Test]
    public void Initial_UsesTheRequestedValueAsManual_UnlessTheStageIsAuto()
    {
        Assert.That(ProbabilityPolicy.Initial(Stage.Make(1, probability: 20m, auto: false), 45m), Is.EqualTo(new ProbabilityState(45m, ProbabilitySource.Manual)));
        Assert.That(ProbabilityPolicy.Initial(Stage.Make(1, probability: 20m, auto: false), null), Is.EqualTo(new ProbabilityState(20m, ProbabilitySource.Stage)));
        Assert.That(ProbabilityPolicy.Initial(Stage.Make(1, probability: 20m), 45m), Is.EqualTo(new ProbabilityState(20m, ProbabilitySource.Stage)));
    }

    [Test]
    public void ManualProbability_IsRefusedOnAClosedOpportunity()
    {
        Assert.That(ProbabilityPolicy.CheckManual(Outcome.Open), Is.Null);
        Assert.That(ProbabilityPolicy.CheckManual(Outcome.Won)?.Code, Is.EqualTo("opportunity-closed"));
    }

    [Test]
    public void TheClosingStagesProbability_CannotBeSet()
    {
        var closing = Stage.Make(5, closing: true);
        Assert.That(ProbabilityPolicy.CheckStageProbability(closing, 50m, false)?.Code, Is.EqualTo("closing-stage-probability"));
        Assert.That(ProbabilityPolicy.CheckStageProbability(closing, null, true)?.Kind, Is.EqualTo(ViolationKind.Unprocessable));
        Assert.That(ProbabilityPolicy.CheckStageProbability(closing, null, false), Is.Null);
        Assert.That(ProbabilityPolicy.CheckStageProbability(Stage.Make(1), 50m, true), Is.Null);
    }

    [TestCase(0, ExpectedResult = true)]
    [TestCase(100, ExpectedResult = true)]
    [TestCase(80.55, ExpectedResult = true)]
    [TestCase(80.555, ExpectedResult = false)]
    [TestCase(100.01, ExpectedResult = false)]
    [TestCase(-0.01, ExpectedResult = false)]
    public bool Probabilities_AreZeroToHundredWithTwoDecimals(decimal value) => Probability.IsValid(value);

    [TestCase(0, ExpectedResult = true)]
    [TestCase(10000000000.00, ExpectedResult = true)]
    [TestCase(10000000000.01, ExpectedResult = false)]
    [TestCase(12.345, ExpectedResult = false)]
    [TestCase(-0.01, ExpectedResult = false)]
    public bool Money_IsNonNegativeWithTwoDecimals_UpToTenBillion(decimal value) => Money.IsValid(value);

    [Test]
    public void Probabilities_RoundTripThroughHundredths_Exactly()
    {
        foreach (var value in new[] { 0m, 0.01m, 33.33m, 80m, 99.99m, 100m })
            Assert.That(Hundredths.ToPercent(Hundredths.Of(value)), Is.EqualTo(value));
    }
}

public sealed class ClosingTests
{
    [Test]
    public void Won_Is100AndStaysActive_Lost_Is0AndArchived()
    {
        Assert.That(Closing.Close(Outcome.Won, true), Is.EqualTo((100m, true)));
        Assert.That(Closing.Close(Outcome.Lost, true), Is.EqualTo((0m, false)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Closing.Close(Outcome.Open, true));
    }

    [Test]
    public void OnlyOpenOpportunitiesMove_OnlyClosedOnesReopen()
    {
        Assert.That(Closing.CheckOpen(Outcome.Open, "x"), Is.Null);
        Assert.That(Closing.CheckOpen(Outcome.Lost, "x")?.Kind, Is.EqualTo(ViolationKind.Conflict));
        Assert.That(Closing.CheckReopen(Outcome.Won), Is.Null);
        Assert.That(Closing.CheckReopen(Outcome.Open)?.Code, Is.EqualTo("opportunity-open"));
    }

    [Test]
    public void TheClosingStageNeedsAnOutcome_AnOpenStageRefusesOne()
    {
        var closing = Stage.Make(5, closing: true);
        Assert.That(Closing.CheckMoveOutcome(closing, null)?.Code, Is.EqualTo("outcome-required"));
        Assert.That(Closing.CheckMoveOutcome(closing, Outcome.Open)?.Code, Is.EqualTo("outcome-required"));
        Assert.That(Closing.CheckMoveOutcome(closing, Outcome.Won), Is.Null);
        Assert.That(Closing.CheckMoveOutcome(Stage.Make(1), Outcome.Lost)?.Code, Is.EqualTo("outcome-not-allowed"));
        Assert.That(Closing.CheckMoveOutcome(Stage.Make(1), null), Is.Null);
    }

    [Test]
    public void ALostOpportunity_IsReopenedNotRestored()
    {
        Assert.That(Closing.CheckRestore(Outcome.Lost)?.Code, Is.EqualTo("opportunity-lost"));
        Assert.That(Closing.CheckRestore(Outcome.Won), Is.Null);
    }
}

public sealed class DeletionGuardTests
{
    [TestCase(1, 0)]
    [TestCase(0, 1)]
    [TestCase(3, 2)]
    public void AStageHoldingAnyOpportunity_CannotBeDeleted_AndTheCountsAreGiven(long active, long archived)
    {
        var violation = DeletionGuard.CheckEmpty(Stage.Make(2, "Estimation"), active, archived);

        Assert.That(violation?.Code, Is.EqualTo("stage-not-empty"));
        Assert.That(violation!.Kind, Is.EqualTo(ViolationKind.Conflict));
        Assert.That((violation.Data!["activeCount"], violation.Data["archivedCount"]), Is.EqualTo(((object)active, (object)archived)));
        Assert.That(violation.Message, Does.Contain("archived"));
    }

    [Test]
    public void AnEmptyStage_CanBeDeleted_ButNeverTheClosingStage()
    {
        Assert.That(DeletionGuard.CheckEmpty(Stage.Make(2), 0, 0), Is.Null);
        Assert.That(DeletionGuard.CheckDeletable(Stage.Make(2)), Is.Null);
        Assert.That(DeletionGuard.CheckDeletable(Stage.Make(5, closing: true))?.Code, Is.EqualTo("closing-stage"));
    }

    [Test]
    public void TheMoveTarget_MustBeAnotherOpenStage_InEveryOpportunitysPipeline()
    {
        var deleted = Stage.Make(2);
        Assert.That(DeletionGuard.CheckMoveTarget(deleted, deleted, [])?.Code, Is.EqualTo("invalid-move-target"));
        Assert.That(DeletionGuard.CheckMoveTarget(deleted, Stage.Make(5, closing: true), [])?.Code, Is.EqualTo("invalid-move-target"));
        Assert.That(DeletionGuard.CheckMoveTarget(deleted, Stage.Make(3, team: 1), [1, null])?.Message, Does.Contain("none"));
        Assert.That(DeletionGuard.CheckMoveTarget(deleted, Stage.Make(3, team: 1), [1]), Is.Null);
        Assert.That(DeletionGuard.CheckMoveTarget(deleted, Stage.Make(3), [1, 2, null]), Is.Null);
    }
}

public sealed class StageOrderTests
{
    [Test]
    public void ANewColumn_GoesJustBeforeTheClosingStage() =>
        Assert.That(StageOrder.InsertionSequence(Stage.Defaults, null, null), Is.EqualTo(5));

    [Test]
    public void AtAPosition_ItTakesTheSequenceOfTheStageThere_OrGoesLast()
    {
        Assert.That(StageOrder.InsertionSequence(Stage.Defaults, null, 2), Is.EqualTo(2));
        Assert.That(StageOrder.InsertionSequence(Stage.Defaults, null, 99), Is.EqualTo(5), "never after the closing stage");
        Assert.That(StageOrder.InsertionSequence(Stage.Defaults, null, 5), Is.EqualTo(5), "the closing stage's place is just before it");
        StageFacts[] withTeam = [.. Stage.Defaults, Stage.Make(6, team: 1, sequence: 3)];
        Assert.That(StageOrder.InsertionSequence(withTeam, 2, 3), Is.EqualTo(3));
    }

    [Test]
    public void Reorder_PermutesThePipelinesOwnSequenceSlots()
    {
        StageFacts[] pipeline = [Stage.Make(1, sequence: 1), Stage.Make(7, sequence: 3), Stage.Make(2, sequence: 4)];

        var moves = StageOrder.Reorder(pipeline, [2, 1, 7]);

        Assert.That(moves, Is.EquivalentTo(new[] { (2L, 1), (1L, 3), (7L, 4) }));
        Assert.That(StageOrder.Reorder(pipeline, [1, 7, 2]), Is.Empty);
    }

    [Test]
    public void Reorder_RefusesMissingUnknownOrRepeatedStages()
    {
        StageFacts[] pipeline = [Stage.Make(1), Stage.Make(2)];
        Assert.That(StageOrder.CheckOrder(pipeline, [2, 1]), Is.Null);
        StageFacts[] withClosing = [Stage.Make(1), Stage.Make(5, closing: true)];
        Assert.That(StageOrder.CheckOrder(withClosing, [5, 1])?.Code, Is.EqualTo("closing-stage-last"));
        Assert.That(StageOrder.CheckOrder(withClosing, [1, 5]), Is.Null);
        foreach (long[] order in new[] { new long[] { 1 }, [1, 2, 3], [1, 1, 2], [1, 1] })
        {
            Assert.That(StageOrder.CheckOrder(pipeline, order)?.Code, Is.EqualTo("order-mismatch"), string.Join(",", order));
        }
    }
}

public sealed class StageNamesAndTeamTests
{
    [Test]
    public void Names_AreUniqueIgnoringCase_AmongStagesThatCanShareAPipeline()
    {
        StageFacts[] stages = [.. Stage.Defaults, Stage.Make(6, "Métré", team: 1)];

        Assert.That(StageNames.CheckUnique("DEVIS", null, null, stages)?.Code, Is.EqualTo("duplicate-stage-name"));
        Assert.That(StageNames.CheckUnique("gagné / perdu", 3, null, stages)?.Code, Is.EqualTo("duplicate-stage-name"));
        Assert.That(StageNames.CheckUnique("MÉTRÉ", 1, null, stages)?.Data!["stageId"], Is.EqualTo(6L));
        Assert.That(StageNames.CheckUnique("métré", 2, null, stages), Is.Null);
        Assert.That(StageNames.CheckUnique("métré", null, null, stages), Is.Not.Null, "a shared stage appears in team 1's pipeline too");
        Assert.That(StageNames.CheckUnique("Devis", null, 4, stages), Is.Null, "a stage does not clash with itself");
        Assert.That(Names.Normalize("  Devis \t"), Is.EqualTo("Devis"));
        Assert.That(Names.Normalize("E\u0301tape"), Is.EqualTo("Étape"), "stored in NFC");
        Assert.That(StageNames.CheckUnique("e\u0301tape", null, null, [Stage.Make(9, "ÉTAPE")])?.Code, Is.EqualTo("duplicate-stage-name"));
        Assert.That(new[] { "\u200b", " ", "Devis\u200b", "Devis\u0000" }.Select(Names.IsValid), Has.All.False);
    }

    [Test]
    public void AStageChangesTeam_OnlyWhenNoOpportunityWouldLeaveItsPipeline()
    {
        var stage = Stage.Make(4, "Devis");
        Assert.That(StageTeam.CheckChange(stage, 1, [1, 1]), Is.Null);
        Assert.That(StageTeam.CheckChange(stage, 1, [1, 2])?.Code, Is.EqualTo("stage-team-in-use"));
        Assert.That(StageTeam.CheckChange(stage, 1, [null])?.Code, Is.EqualTo("stage-team-in-use"));
        Assert.That(StageTeam.CheckChange(Stage.Make(4, team: 1), null, [1, 2]), Is.Null, "shared is in every pipeline");
        Assert.That(StageTeam.CheckChange(Stage.Make(5, closing: true), 1, [])?.Code, Is.EqualTo("closing-stage-team"));
    }

    [Test]
    public void AStageGivenToATeam_MayNotLeaveARuleForOtherTeamsPointingAtIt()
    {
        var toTeam1 = Stage.Make(4, "Devis", team: 1);

        Assert.That(StageTeam.CheckRules(toTeam1, [(7, 1)]), Is.Null);
        var violation = StageTeam.CheckRules(toTeam1, [(7, 1), (8, null), (9, 2)]);
        Assert.That((violation?.Code, violation?.Data!["ruleIds"]), Is.EqualTo(("stage-targeted-by-rules", (object)new List<long> { 8, 9 })));
        Assert.That(StageTeam.CheckRules(Stage.Make(4), [(8, null), (9, 2)]), Is.Null, "a shared stage suits every rule");
    }
}
