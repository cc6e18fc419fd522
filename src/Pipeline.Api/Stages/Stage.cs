using System.Text.Json.Serialization;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Stages;

/// <summary>A column of the pipeline.</summary>
/// <param name="Id">Stage id.</param>
/// <param name="Name">Column name, unique (ignoring case) within any pipeline it appears in.</param>
/// <param name="Sequence">Position key: stages are ordered by sequence, then id.</param>
/// <param name="TeamId">Sales team owning the stage; null when every team's pipeline shows it.</param>
/// <param name="Folded">Collapsed in the kanban ("plié dans le flux").</param>
/// <param name="Probability">Probability of success (0.00–100.00) of its opportunities; null for the closing stage.</param>
/// <param name="AutoProbability">Entering the stage sets the opportunity's probability to the stage's.</param>
/// <param name="IsClosing">The won / lost stage: its probability comes from each opportunity's outcome.</param>
/// <param name="RottingDays">After this many days in the stage an opportunity is stale ("rotting"); 0 turns it off.</param>
/// <param name="Version">Concurrency version, also served as the strong ETag.</param>
/// <param name="Reassigned">Only in the answer to a probability change: how many opportunities took the new probability.</param>
public sealed record StageDto(
    long Id,
    string Name,
    int Sequence,
    long? TeamId,
    bool Folded,
    decimal? Probability,
    bool AutoProbability,
    bool IsClosing,
    int RottingDays,
    long Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Reassigned = null) : IVersioned;

/// <summary>A stages table row.</summary>
public sealed class StageRow
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public int Sequence { get; set; }
    public long? TeamId { get; set; }
    public bool Folded { get; set; }
    public int? ProbabilityBp { get; set; }
    public bool AutoProbability { get; set; }
    public bool IsClosing { get; init; }
    public int RottingDays { get; set; }
    public long Version { get; set; }

    public decimal? Probability => ProbabilityBp is { } bp ? Hundredths.ToPercent(bp) : null;

    /// <summary>The row as it is now, to audit a change against.</summary>
    public StageRow Copy() => (StageRow)MemberwiseClone();

    public StageFacts Facts => new(Id, Name, Sequence, TeamId, Folded, Probability, AutoProbability, IsClosing, RottingDays);

    public StageDto ToDto() => new(Id, Name, Sequence, TeamId, Folded, Probability, AutoProbability, IsClosing, RottingDays, Version);
}
