namespace Pipeline.Api.Rules;

/// <summary>Rules 3 to 5: how an opportunity's probability follows the stages it enters.</summary>
public static class ProbabilityPolicy
{
    /// <summary>Rule 3: entering an auto stage takes the stage's probability (even over a manual one); otherwise nothing changes.</summary>
    public static ProbabilityState OnEnter(ProbabilityState current, StageFacts stage) =>
        SetOnEntering(stage) is { } p ? new ProbabilityState(p, ProbabilitySource.Stage) : current;

    /// <summary>The probability entering this stage gives (source <c>stage</c>), or null when entering keeps it.</summary>
    public static decimal? SetOnEntering(StageFacts stage) =>
        stage is { AutoProbability: true, Probability: { } p, IsClosing: false } ? p : null;

    /// <summary>
    /// A new opportunity: a requested probability is manual, otherwise it starts from the stage's (0 if none);
    /// then rule 3 applies as on any entry, so an auto stage's probability wins.
    /// </summary>
    public static ProbabilityState Initial(StageFacts stage, decimal? requested) =>
        OnEnter(
            requested is { } manual
                ? new ProbabilityState(manual, ProbabilitySource.Manual)
                : new ProbabilityState(stage.Probability ?? 0m, ProbabilitySource.Stage),
            stage);

    /// <summary>Rule 4: a probability set by hand is manual; a closed opportunity's probability is fixed by its outcome.</summary>
    public static RuleViolation? CheckManual(Outcome outcome) =>
        outcome == Outcome.Open ? null : Closing.ClosedViolation("its probability cannot change");

    /// <summary>The closing stage's probability comes from each outcome, never from SetProbability.</summary>
    public static RuleViolation? CheckStageProbability(StageFacts stage, decimal? probability, bool autoProbability) =>
        stage.IsClosing && (probability is not null || autoProbability)
            ? new RuleViolation(
                "closing-stage-probability",
                "The closing stage's probability is set by the outcome (won = 100, lost = 0); it cannot be set.",
                ViolationKind.Unprocessable)
            : null;
}
