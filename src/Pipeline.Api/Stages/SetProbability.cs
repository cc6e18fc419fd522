using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Http;

namespace Pipeline.Api.Stages;

/// <param name="Probability">The stage's probability of success, 0.00–100.00 (two decimals at most).</param>
/// <param name="AutoProbability">Whether entering the stage sets an opportunity's probability; omitted leaves it unchanged.</param>
public sealed record SetProbabilityBody(
    [property: Required, Percentage] decimal? Probability,
    bool? AutoProbability = null);

/// <summary>
/// Changes a stage's probability. When the stage is automatic, every open opportunity whose probability comes
/// from the stage takes the new value in the same transaction (manual and closed ones keep theirs).
/// </summary>
public sealed record SetProbability(long StageId, long? ExpectedVersion, decimal Probability, bool? AutoProbability) : ICommand<StageDto>;

public sealed class SetProbabilityHandler(StageEditor editor) : ICommandHandler<SetProbability, StageDto>
{
    public ValueTask<StageDto> Handle(SetProbability command, CancellationToken ct) =>
        editor.ApplyAsync(command.StageId, command.ExpectedVersion,
            new StageChanges(Probability: command.Probability, AutoProbability: command.AutoProbability), ct);
}
