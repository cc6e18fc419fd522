using Microsoft.Extensions.Caching.Memory;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Reports;

/// <summary>An opportunity as a kanban card.</summary>
/// <param name="Id">Opportunity id.</param>
/// <param name="Name">Its name.</param>
/// <param name="TeamId">Its team.</param>
/// <param name="Probability">Probability of success.</param>
/// <param name="ProbabilitySource">`stage` or `manual`.</param>
/// <param name="ExpectedRevenue">Expected revenue.</param>
/// <param name="Outcome">`open`, or `won` in the closing column.</param>
/// <param name="StageChangedAt">When it entered the column.</param>
/// <param name="ExternalRef">The calling module's reference.</param>
/// <param name="Stale">It has been in the column longer than the column's rotting days.</param>
/// <param name="Version">Its version (the ETag a move may send as If-Match).</param>
public sealed record BoardCard(
    long Id, string Name, long? TeamId, decimal Probability, ProbabilitySource ProbabilitySource, decimal ExpectedRevenue,
    Outcome Outcome, DateTimeOffset StageChangedAt, string? ExternalRef, bool Stale, long Version);

/// <summary>A kanban column with its totals and, unless folded, its first cards.</summary>
/// <param name="Id">Stage id.</param>
/// <param name="Name">Stage name.</param>
/// <param name="Sequence">Order key.</param>
/// <param name="Folded">Folded columns show totals and no cards.</param>
/// <param name="IsClosing">The won / lost column (it counts won opportunities; lost ones are archived).</param>
/// <param name="Probability">The stage's probability.</param>
/// <param name="RottingDays">Days after which a card is stale; 0 when off.</param>
/// <param name="Count">Active opportunities in the column.</param>
/// <param name="ExpectedRevenue">Their expected revenue.</param>
/// <param name="WeightedRevenue">Σ revenue × probability, exact to the cent.</param>
/// <param name="StaleCount">How many are stale.</param>
/// <param name="Cards">The first cards, oldest first (none when folded).</param>
/// <param name="NextCursor">For GET /api/v1/pipeline/stages/{id}/cards, when the column has more cards.</param>
public sealed record BoardColumn(
    long Id, string Name, int Sequence, bool Folded, bool IsClosing, decimal? Probability, int RottingDays,
    long Count, decimal ExpectedRevenue, decimal WeightedRevenue, long StaleCount, IReadOnlyList<BoardCard> Cards, string? NextCursor);

/// <summary>The kanban in one call.</summary>
/// <param name="TeamId">The team whose pipeline this is; null for every stage and every opportunity.</param>
/// <param name="Columns">The columns in order.</param>
/// <param name="Count">Active opportunities on the board.</param>
/// <param name="ExpectedRevenue">Their expected revenue.</param>
/// <param name="WeightedRevenue">Σ revenue × probability over the board, exact to the cent.</param>
public sealed record Board(long? TeamId, IReadOnlyList<BoardColumn> Columns, long Count, decimal ExpectedRevenue, decimal WeightedRevenue);

/// <summary>Per stage and probability: sums of whole cents, weighted in exact decimal arithmetic afterwards.</summary>
public sealed class StageTotalsRow
{
    public long StageId { get; init; }
    public int ProbabilityBp { get; init; }
    public long Count { get; init; }
    public long RevenueCents { get; init; }
}

/// <summary>
/// The board's totals, remembered per tenant and team for the change sequence they were counted at. Every
/// committed write of opportunities or stages publishes a change and so moves the tenant's sequence (it takes it
/// from the counter in its own transaction): totals remembered for the current sequence are exactly what a count
/// would find now. Totals counted after a concurrent commit are filed under the older sequence, which no later
/// reader asks for. Per instance; bounded.
/// </summary>
public sealed class BoardTotals
{
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 10_000 });

    public IReadOnlyList<StageTotalsRow>? Find(string tenantId, long? teamId, long sequence) =>
        _cache.TryGetValue((tenantId, teamId), out (long Sequence, IReadOnlyList<StageTotalsRow> Totals) kept)
        && kept.Sequence == sequence ? kept.Totals : null;

    public void Keep(string tenantId, long? teamId, long sequence, IReadOnlyList<StageTotalsRow> totals) =>
        _cache.Set((tenantId, teamId), (sequence, totals),
            new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(10) });
}

/// <summary>
/// The board and the totals the reports share, in a fixed number of statements whatever the board's size, each of
/// them costing the same at 10k or 100k opportunities:
/// the stages; the tenant's change sequence, which says whether the totals remembered for it still hold (every
/// committed change moves it, see <see cref="BoardTotals"/>); the totals when they do not (one GROUP BY on a
/// covering index); the stale counts when a column rots (a range of the stage-date index, never the whole table,
/// and never remembered: they change as time passes); and the first cards of every unfolded column (per column
/// an index seek, one statement).
/// </summary>
public sealed class BoardQueries(Reads reads, Caller caller, TimeProvider clock, BoardTotals remembered)
{
    public const int DefaultCards = 20;
    public const int MaxCards = 100;

    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<Board> BoardAsync(long? teamId, int? cardsPerStage, CancellationToken ct)
    {
        var perStage = cardsPerStage switch
        {
            null => DefaultCards,
            < 1 or > MaxCards => throw new BadRequestException("cardsPerStage", $"cardsPerStage must be between 1 and {MaxCards}."),
            { } n => n,
        };
        var now = Now;
        var stages = await StagesAsync(teamId, ct);
        var totals = await TotalsAsync(teamId, ct);
        var stale = !stages.Any(s => s is { RottingDays: > 0, IsClosing: false })
            ? new Dictionary<long, long>()
            : (await reads.QueryAsync<(long StageId, long Stale)>(
                    Sql.Stale, new { caller.TenantId, TeamId = teamId, Now = now, Rotting.DayMs }, ct))
                .ToDictionary(r => r.StageId, r => r.Stale);
        var unfolded = stages.Where(s => !s.Folded).Select(s => s.Id).ToList();
        var cards = unfolded.Count == 0
            ? []
            : await reads.QueryAsync<CardRow>(
                Sql.FirstCards(reads.Dialect, unfolded), new { caller.TenantId, TeamId = teamId, Limit = perStage + 1 }, ct);
        var cardsByStage = cards.ToLookup(c => c.StageId);

        var columns = stages.Select(stage =>
        {
            var t = totals.Where(x => x.StageId == stage.Id).ToList();
            var page = stage.Folded
                ? new Page<BoardCard>([], null)
                : Paging.Of(cardsByStage[stage.Id].OrderBy(c => c.Id).Select(c => c.ToCard(stage, now)).ToList(), perStage, c => c.Id);
            return new BoardColumn(
                stage.Id, stage.Name, stage.Sequence, stage.Folded, stage.IsClosing, stage.Probability, stage.RottingDays,
                t.Sum(x => x.Count), Revenue(t), Weighted(t), stale.GetValueOrDefault(stage.Id), page.Items, page.NextCursor);
        }).ToList();
        var onBoard = totals.Where(t => stages.Any(s => s.Id == t.StageId)).ToList();
        return new Board(teamId, columns, onBoard.Sum(t => t.Count), Revenue(onBoard), Weighted(onBoard));
    }

    /// <summary>More cards of one column, after the board's (or a previous page's) cursor.</summary>
    public async Task<Page<BoardCard>> CardsAsync(long stageId, long? teamId, string? cursor, int? limit, CancellationToken ct)
    {
        var stage = (await StagesAsync(teamId, ct)).FirstOrDefault(s => s.Id == stageId) ?? throw new NotFoundException("Stage", stageId);
        var size = Paging.Limit(limit);
        var rows = await reads.QueryAsync<CardRow>(Sql.Cards(reads.Dialect),
            new { caller.TenantId, TeamId = teamId, StageId = stageId, After = Paging.After(cursor), Limit = size + 1 }, ct);
        var now = Now;
        return Paging.Of(rows.Select(r => r.ToCard(stage, now)).ToList(), size, c => c.Id);
    }

    /// <summary>The team's pipeline; without a team, every stage.</summary>
    public async Task<IReadOnlyList<StageRow>> StagesAsync(long? teamId, CancellationToken ct) =>
        await reads.QueryAsync<StageRow>(teamId is null ? StageSql.All : StageSql.Pipeline, new { caller.TenantId, TeamId = teamId }, ct);

    /// <summary>
    /// Active opportunities per stage and probability: the ones remembered for the tenant's current change
    /// sequence, or counted again (and remembered) when a change committed since.
    /// </summary>
    public async Task<IReadOnlyList<StageTotalsRow>> TotalsAsync(long? teamId, CancellationToken ct)
    {
        var sequence = await reads.SingleOrDefaultAsync<long?>(Sql.Sequence, new { caller.TenantId }, ct) ?? 0;
        if (remembered.Find(caller.TenantId, teamId, sequence) is { } totals) return totals;
        totals = await reads.QueryAsync<StageTotalsRow>(Sql.Totals, new { caller.TenantId, TeamId = teamId }, ct);
        remembered.Keep(caller.TenantId, teamId, sequence, totals);
        return totals;
    }

    public static decimal Revenue(IEnumerable<StageTotalsRow> totals) => Cents.ToAmount(totals.Sum(t => t.RevenueCents));

    /// <summary>Σ cents × hundredths of a percent, then one rounding to the cent.</summary>
    public static decimal Weighted(IEnumerable<StageTotalsRow> totals) =>
        decimal.Round(totals.Sum(t => (decimal)t.RevenueCents * t.ProbabilityBp) / 1_000_000m, 2, MidpointRounding.AwayFromZero);

    private sealed class CardRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public long? TeamId { get; init; }
        public long StageId { get; init; }
        public int ProbabilityBp { get; init; }
        public string ProbabilitySource { get; init; } = "";
        public long ExpectedRevenueCents { get; init; }
        public string Outcome { get; init; } = "";
        public long StageChangedAtMs { get; init; }
        public string? ExternalRef { get; init; }
        public long Version { get; init; }

        public BoardCard ToCard(StageRow stage, long now) => new(
            Id, Name, TeamId, Hundredths.ToPercent(ProbabilityBp), EnumText.Parse<ProbabilitySource>(ProbabilitySource),
            Cents.ToAmount(ExpectedRevenueCents), EnumText.Parse<Outcome>(Outcome),
            DateTimeOffset.FromUnixTimeMilliseconds(StageChangedAtMs),
            ExternalRef, Rotting.IsStale(StageChangedAtMs, stage.RottingDays, stage.IsClosing, now), Version);
    }

    /// <summary>Internal: the load driver's bare comparator runs these very statements.</summary>
    internal static class Sql
    {
        public const string Columns = "Id, Name, TeamId, StageId, ProbabilityBp, ProbabilitySource, ExpectedRevenueCents, Outcome, "
                                           + "StageChangedAtMs, ExternalRef, Version";

        public const string Sequence = "SELECT LastSequence FROM ChangeSequences WHERE TenantId = @TenantId";

        /// <summary>Read from IX_Opportunities_Totals alone (it covers every column used), never the table.</summary>
        public const string Totals = """
            SELECT StageId, ProbabilityBp, CAST(COUNT(*) AS BIGINT) AS Count, SUM(ExpectedRevenueCents) AS RevenueCents
            FROM Opportunities
            WHERE TenantId = @TenantId AND Active = 1 AND (@TeamId IS NULL OR TeamId = @TeamId)
            GROUP BY StageId, ProbabilityBp
            """;

        /// <summary>As <see cref="Rotting.IsStale"/> says: in an open column with rotting days, entered before them.</summary>
        public const string Stale = """
            SELECT o.StageId, CAST(COUNT(*) AS BIGINT) AS Stale
            FROM Stages s
            JOIN Opportunities o ON o.TenantId = s.TenantId AND o.StageId = s.Id AND o.Active = 1
                AND o.StageChangedAtMs < @Now - CAST(s.RottingDays AS BIGINT) * @DayMs
            WHERE s.TenantId = @TenantId AND s.RottingDays > 0 AND s.IsClosing = 0 AND (@TeamId IS NULL OR o.TeamId = @TeamId)
            GROUP BY o.StageId
            """;

        /// <summary>
        /// The first cards of each column: per column an ordered seek of IX_Opportunities_Stage that stops after
        /// <c>@Limit</c> rows, all in one statement. The stage ids are the tenant's own, read just before (numbers).
        /// </summary>
        public static string FirstCards(ISqlDialect dialect, IEnumerable<long> stageIds) =>
            string.Join("\nUNION ALL\n", stageIds.Select(id => $"""
            SELECT {Columns} FROM (
                SELECT {Columns} FROM Opportunities
                WHERE TenantId = @TenantId AND StageId = {id} AND Active = 1 AND (@TeamId IS NULL OR TeamId = @TeamId)
                ORDER BY Id
                {dialect.LimitClause}) c{id}
            """));

        public static string Cards(ISqlDialect dialect) => $"""
            SELECT {Columns} FROM Opportunities
            WHERE TenantId = @TenantId AND StageId = @StageId AND Active = 1 AND (@TeamId IS NULL OR TeamId = @TeamId) AND Id > @After
            ORDER BY Id
            {dialect.LimitClause}
            """;
    }
}
