using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <summary>Filters of the opportunity list; every one is optional.</summary>
public sealed record OpportunityFilter(long? StageId, long? TeamId, string? Outcome, bool? Archived);

public sealed class OpportunityQueries(Reads reads, Caller caller)
{
    public async Task<OpportunityDto> GetAsync(long id, CancellationToken ct) =>
        (await reads.SingleOrDefaultAsync<OpportunityRow>(OpportunitySql.Load, new { caller.TenantId, Id = id }, ct))?.ToDto()
        ?? throw new NotFoundException("Opportunity", id);

    public async Task<Page<OpportunityDto>> ListAsync(OpportunityFilter filter, string? cursor, int? limit, CancellationToken ct)
    {
        var size = Paging.Limit(limit);
        var rows = await reads.QueryAsync<OpportunityRow>(Sql.List(reads.Dialect), new
        {
            caller.TenantId,
            After = Paging.After(cursor),
            filter.StageId,
            filter.TeamId,
            filter.Outcome,
            Active = filter.Archived != true,
            Limit = size + 1,
        }, ct);
        return Paging.Of(rows.Select(r => r.ToDto()).ToList(), size, o => o.Id);
    }

    public async Task<Page<HistoryEntryDto>> HistoryAsync(long id, string? cursor, int? limit, CancellationToken ct)
    {
        await GetAsync(id, ct);
        var size = Paging.Limit(limit);
        var rows = await reads.QueryAsync<HistoryRow>(Sql.History(reads.Dialect),
            new { caller.TenantId, OpportunityId = id, After = Paging.After(cursor), Limit = size + 1 }, ct);
        return Paging.Of(rows.Select(r => r.ToDto()).ToList(), size, h => h.Id);
    }

    private static class Sql
    {
        public static string List(ISqlDialect dialect) => $"""
            SELECT {OpportunitySql.Columns} FROM Opportunities
            WHERE TenantId = @TenantId AND Id > @After AND Active = @Active
              AND (@StageId IS NULL OR StageId = @StageId)
              AND (@TeamId IS NULL OR TeamId = @TeamId)
              AND (@Outcome IS NULL OR Outcome = @Outcome)
            ORDER BY Id
            {dialect.LimitClause}
            """;

        public static string History(ISqlDialect dialect) => $"""
            SELECT Id, OccurredAtMs, Cause, FromStageId, FromStageName, ToStageId, ToStageName,
                   ProbabilityBeforeBp, ProbabilityAfterBp, RuleId, EventId, Actor
            FROM OpportunityHistory
            WHERE TenantId = @TenantId AND OpportunityId = @OpportunityId AND Id > @After
            ORDER BY Id
            {dialect.LimitClause}
            """;
    }
}
