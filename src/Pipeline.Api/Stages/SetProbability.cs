using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;

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
public sealed record SetProbability(long StageId, long? ExpectedVersion, SetProbabilityBody Body)
    : ICommand<StageDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Set a stage's probability",
        "When the stage changes probability automatically, every open opportunity whose probability comes from the stage "
        + "takes the new value; `reassigned` says how many.")
    {
        Examples = new Dictionary<string, object> { ["Devis at 80 %"] = new { probability = 80.00m, autoProbability = true } },
        Problems = [400, 404, 412, 422],
    };
}

public sealed class SetProbabilityHandler(StageStore store) : ICommandHandler<SetProbability, StageDto>
{
    public async ValueTask<StageDto> Handle(SetProbability command, CancellationToken ct)
    {
        var (stage, _) = await store.LoadAsync(command.StageId, command.ExpectedVersion, ct);
        var (probability, auto) = (command.Body.Probability!.Value, command.Body.AutoProbability);
        ProbabilityPolicy.CheckStageProbability(stage.Facts, probability, auto ?? false).ThrowIfBroken();

        var before = stage.Copy();
        stage.ProbabilityBp = Hundredths.Of(probability);
        stage.AutoProbability = auto ?? stage.AutoProbability;
        if (stage.Facts == before.Facts) return stage.ToDto() with { Reassigned = 0 };
        var reassigned = await store.SaveAsync(stage, before, ct);
        return stage.ToDto() with { Reassigned = reassigned };
    }
}
