namespace Pipeline.Api.Rules;

/// <summary>Rule 6: winning, losing and reopening.</summary>
public static class Closing
{
    public const decimal WonProbability = 100m;
    public const decimal LostProbability = 0m;

    public static RuleViolation ClosedViolation(string what) => new(
        "opportunity-closed",
        $"The opportunity is closed (won or lost): {what} until it is reopened.",
        ViolationKind.Conflict);

    /// <summary>Only an open opportunity can be moved, won or lost.</summary>
    public static RuleViolation? CheckOpen(Outcome outcome, string what) =>
        outcome == Outcome.Open ? null : ClosedViolation(what);

    public static RuleViolation? CheckReopen(Outcome outcome) =>
        outcome == Outcome.Open
            ? new RuleViolation(
                "opportunity-open", "The opportunity is open; only a won or lost opportunity can be reopened.", ViolationKind.Conflict)
            : null;

    /// <summary>The probability and activity an outcome gives: won stays active at 100, lost is archived at 0.</summary>
    public static (decimal Probability, bool Active) Close(Outcome outcome, bool active) => outcome switch
    {
        Outcome.Won => (WonProbability, active),
        Outcome.Lost => (LostProbability, false),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "only won or lost close an opportunity"),
    };

    /// <summary>Moving into the closing stage needs an outcome; moving into an open stage must not carry one.</summary>
    public static RuleViolation? CheckMoveOutcome(StageFacts target, Outcome? outcome) => (target.IsClosing, outcome) switch
    {
        (true, null or Outcome.Open) => new RuleViolation(
            "outcome-required",
            $"Moving into the closing stage '{target.Name}' requires an outcome: won or lost.",
            ViolationKind.Unprocessable),
        (false, Outcome.Won or Outcome.Lost) => new RuleViolation(
            "outcome-not-allowed",
            $"Stage '{target.Name}' is an open stage; an outcome only goes with the closing stage.",
            ViolationKind.Unprocessable),
        _ => null,
    };

    /// <summary>A lost deal keeps why it was lost; a reason with any other outcome would be lost itself.</summary>
    public static RuleViolation? CheckLostReason(Outcome? outcome, string? reason) => (outcome, reason) switch
    {
        (Outcome.Lost, null) => new RuleViolation(
            "lost-reason-required", "Marking opportunities lost needs a lostReason.", ViolationKind.Unprocessable),
        (not Outcome.Lost, not null) => new RuleViolation(
            "lost-reason-not-allowed", "A lostReason only goes with the outcome lost.", ViolationKind.Unprocessable),
        _ => null,
    };

    /// <summary>A new opportunity starts open: it cannot be created in the closing stage.</summary>
    public static RuleViolation? CheckStartsOpen(StageFacts stage) =>
        stage.IsClosing
            ? new RuleViolation("outcome-required",
                "An opportunity starts in an open stage; create it, then mark it won or lost.", ViolationKind.Unprocessable)
            : null;

    /// <summary>A reopened opportunity goes back to an open stage.</summary>
    public static RuleViolation? CheckReopenTarget(StageFacts stage) =>
        stage.IsClosing
            ? new RuleViolation("invalid-reopen-stage", "An opportunity reopens into an open stage.", ViolationKind.Unprocessable)
            : null;

    /// <summary>Restoring an archived lost opportunity would make it active and lost at once: reopen it instead.</summary>
    public static RuleViolation? CheckRestore(Outcome outcome) =>
        outcome == Outcome.Lost
            ? new RuleViolation(
                "opportunity-lost", "A lost opportunity is restored by reopening it (POST …/reopen).", ViolationKind.Conflict)
            : null;
}
