using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>"Ajouter une nouvelle colonne".</summary>
/// <param name="Name">Column name: trimmed, 1–100 characters, unique (ignoring case) in its pipelines.</param>
/// <param name="TeamId">Owning team; omit or null for a stage every team's pipeline shows.</param>
/// <param name="Folded">Collapsed in the kanban.</param>
/// <param name="Probability">Probability of success, 0.00–100.00; defaults to 0.</param>
/// <param name="AutoProbability">Entering the stage sets the opportunity's probability; defaults to false.</param>
/// <param name="RottingDays">Days after which an opportunity in the stage is stale; 0 (default) turns it off.</param>
/// <param name="Position">1-based place in the team's pipeline; by default just before the closing stage.</param>
public sealed record CreateStage(
    [property: Required, StringLength(StageNames.MaxLength, MinimumLength = 1)] string Name,
    long? TeamId = null,
    bool Folded = false,
    [property: Percentage] decimal Probability = 0m,
    bool AutoProbability = false,
    [property: Range(0, StageRules.MaxRottingDays)] int RottingDays = 0,
    [property: Range(1, 1000)] int? Position = null) : ICommand<StageDto>;

public sealed class CreateStageHandler(StageStore store, StageAuditLog audit, DbSession db, Caller caller) : ICommandHandler<CreateStage, StageDto>
{
    public async ValueTask<StageDto> Handle(CreateStage command, CancellationToken ct)
    {
        await store.LockAsync(ct);
        var all = (await store.AllAsync(ct)).Select(s => s.Facts).ToList();
        var name = StageNames.Normalize(command.Name);
        StageNames.CheckUnique(name, command.TeamId, null, all).ThrowIfBroken();

        var sequence = StageOrder.InsertionSequence(all, command.TeamId, command.Position);
        var now = store.Now;
        await db.ExecuteAsync(Sql.MakeRoom, new { caller.TenantId, Sequence = sequence, Now = now }, ct);
        var row = new StageRow
        {
            Name = name,
            Sequence = sequence,
            TeamId = command.TeamId,
            Folded = command.Folded,
            ProbabilityBp = Probability.ToHundredths(command.Probability),
            AutoProbability = command.AutoProbability,
            RottingDays = command.RottingDays,
            Version = 1,
        };
        row.Id = await db.InsertAsync(Sql.Insert, new
        {
            caller.TenantId, row.Name, row.Sequence, row.TeamId, row.Folded, row.ProbabilityBp, row.AutoProbability, row.RottingDays, Now = now,
        }, ct);
        await audit.RecordAsync(row, StageAuditAction.Created, null, StageAuditLog.Snapshot(row), ct);
        return row.ToDto();
    }

    internal static class Sql
    {
        public const string MakeRoom = """
            UPDATE Stages SET Sequence = Sequence + 1, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Sequence >= @Sequence
            """;

        public const string Insert = """
            INSERT INTO Stages (TenantId, Name, Sequence, TeamId, Folded, ProbabilityBp, AutoProbability, IsClosing, RottingDays, Version, CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @Name, @Sequence, @TeamId, @Folded, @ProbabilityBp, @AutoProbability, 0, @RottingDays, 1, @Now, @Now);
            """;
    }
}
