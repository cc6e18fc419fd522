namespace Pipeline.Api.Rules;

/// <summary>What the rules need to know about a stage.</summary>
public sealed record StageFacts(
    long Id,
    string Name,
    int Sequence,
    long? TeamId,
    bool Folded,
    decimal? Probability,
    bool AutoProbability,
    bool IsClosing,
    int RottingDays = 0);

public enum Outcome { Open, Won, Lost }

public enum ProbabilitySource { Stage, Manual }

/// <summary>What the rules need to know about an opportunity.</summary>
public sealed record OpportunityFacts(
    long? TeamId,
    long StageId,
    decimal Probability,
    ProbabilitySource Source,
    Outcome Outcome,
    bool Active);

/// <summary>An opportunity's probability together with where it came from.</summary>
public readonly record struct ProbabilityState(decimal Value, ProbabilitySource Source);
