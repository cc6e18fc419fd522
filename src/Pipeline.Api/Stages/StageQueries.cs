using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

public sealed class StageQueries(Reads reads, Caller caller)
{
    /// <summary>A team's pipeline (shared stages plus its own) in order; without a team, every stage of the tenant.</summary>
    public async Task<IReadOnlyList<StageDto>> ListAsync(long? teamId, CancellationToken ct) =>
        (await reads.QueryAsync<StageRow>(teamId is null ? Sql.All : Sql.Pipeline, new { caller.TenantId, TeamId = teamId }, ct))
        .Select(s => s.ToDto()).ToList();

    public async Task<StageDto> GetAsync(long id, CancellationToken ct) =>
        (await reads.SingleOrDefaultAsync<StageRow>(Sql.One, new { caller.TenantId, Id = id }, ct))?.ToDto()
        ?? throw new NotFoundException("Stage", id);

    internal static class Sql
    {
        public const string All = StageStore.Sql.All;

        public const string Pipeline = $"""
            SELECT {StageRow.Columns} FROM Stages
            WHERE TenantId = @TenantId AND (TeamId IS NULL OR TeamId = @TeamId)
            ORDER BY Sequence, Id
            """;

        public const string One = $"SELECT {StageRow.Columns} FROM Stages WHERE TenantId = @TenantId AND Id = @Id";
    }
}
