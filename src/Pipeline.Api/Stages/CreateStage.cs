using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
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
public sealed record CreateStageBody(
    [property: Required, StringLength(StageNames.MaxLength, MinimumLength = 1), DisplayText] string Name,
    long? TeamId = null,
    bool Folded = false,
    [property: Percentage] decimal Probability = 0m,
    bool AutoProbability = false,
    [property: Range(0, Rotting.MaxDays)] int RottingDays = 0,
    [property: Range(1, 1000)] int? Position = null);

public sealed record CreateStage(CreateStageBody Body, [property: JsonIgnore] string? IdempotencyKey = null)
    : IIdempotentCreate, ICommand<StageDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Add a new column", "Placed just before the closing stage unless a position is given.")
    {
        Examples = new Dictionary<string, object>
        {
            ["a follow-up column at 30 %"] = new { name = "Relance", probability = 30, autoProbability = true, rottingDays = 14 },
        },
        Problems = [400, 409, 422],
    };
}

public sealed class CreateStageHandler(StageStore store, StageAuditLog audit, DbSession db, Caller caller)
    : ICommandHandler<CreateStage, StageDto>
{
    public async ValueTask<StageDto> Handle(CreateStage command, CancellationToken ct)
    {
        var body = command.Body;
        var all = (await store.AllAsync(ct)).Select(s => s.Facts).ToList();
        var name = Names.Normalize(body.Name);
        StageNames.CheckUnique(name, body.TeamId, null, all).ThrowIfBroken();

        var sequence = StageOrder.InsertionSequence(all, body.TeamId, body.Position);
        var now = store.Now;
        await db.ExecuteAsync(Sql.MakeRoom, new { caller.TenantId, Sequence = sequence, Now = now }, ct);
        var row = new StageRow
        {
            Name = name,
            Sequence = sequence,
            TeamId = body.TeamId,
            Folded = body.Folded,
            ProbabilityBp = Hundredths.Of(body.Probability),
            AutoProbability = body.AutoProbability,
            RottingDays = body.RottingDays,
            Version = 1,
        };
        row.Id = await db.InsertAsync(Sql.Insert, new
        {
            caller.TenantId, row.Name, row.Sequence, row.TeamId, row.Folded, row.ProbabilityBp, row.AutoProbability, row.RottingDays,
            Now = now,
        }, ct);
        await audit.RecordAsync(row, StageAuditAction.Created, null, StageAuditLog.Snapshot(row), ct);
        return row.ToDto();
    }

    private static class Sql
    {
        public const string MakeRoom = """
            UPDATE Stages SET Sequence = Sequence + 1, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Sequence >= @Sequence
            """;

        public const string Insert = """
            INSERT INTO Stages (TenantId, Name, Sequence, TeamId, Folded, ProbabilityBp, AutoProbability, IsClosing, RottingDays,
                Version, CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @Name, @Sequence, @TeamId, @Folded, @ProbabilityBp, @AutoProbability, 0, @RottingDays, 1, @Now, @Now);
            """;
    }
}
