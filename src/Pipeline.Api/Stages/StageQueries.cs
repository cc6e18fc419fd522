using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

public sealed class StageQueries(Reads reads, Caller caller)
{
    /// <summary>A team's pipeline (shared stages plus its own) in order; without a team, every stage of the tenant.</summary>
    public async Task<IReadOnlyList<StageRow>> RowsAsync(long? teamId, CancellationToken ct) =>
        await reads.QueryAsync<StageRow>(teamId is null ? StageSql.All : StageSql.Pipeline, new { caller.TenantId, TeamId = teamId }, ct);

    public async Task<IReadOnlyList<StageDto>> ListAsync(long? teamId, CancellationToken ct) =>
        (await RowsAsync(teamId, ct)).Select(s => s.ToDto()).ToList();

    public async Task<StageDto> GetAsync(long id, CancellationToken ct) =>
        (await reads.SingleOrDefaultAsync<StageRow>(StageSql.One, new { caller.TenantId, Id = id }, ct))?.ToDto()
        ?? throw new NotFoundException("Stage", id);
}
