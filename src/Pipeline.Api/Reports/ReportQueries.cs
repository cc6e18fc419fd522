using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Reports;

/// <summary>The period a report covers: [from, to).</summary>
/// <param name="From">Start, included (null: from the beginning).</param>
/// <param name="To">End, excluded (null: no end).</param>
public sealed record ReportRange(DateTimeOffset? From, DateTimeOffset? To)
{
    /// <summary>
    /// The range a report was asked for; <paramref name="query"/> holds the texts, each of which needs its offset.
    /// A range that ends before it starts is refused.
    /// </summary>
    public static ReportRange Of(DateTimeOffset? from, DateTimeOffset? to, IQueryCollection query) =>
        query["from"].Concat(query["to"]).FirstOrDefault(t => t is not null && !Json.HasOffset(t)) is { } naive
            ? throw new BadRequestException(query["from"] == naive ? "from" : "to",
                $"'{naive}' has no offset: send a date-time with its offset, e.g. 2026-11-29T09:30:00Z.")
            : from is null || to is null || from < to
            ? new ReportRange(from, to)
            : throw new BadRequestException("from", "from must be before to.");

    [System.Text.Json.Serialization.JsonIgnore]
    public long FromMs => From?.ToUnixTimeMilliseconds() ?? long.MinValue;

    [System.Text.Json.Serialization.JsonIgnore]
    public long ToMs => To?.ToUnixTimeMilliseconds() ?? long.MaxValue;
}

/// <param name="StageId">Stage id.</param>
/// <param name="Name">Stage name.</param>
/// <param name="Count">Open opportunities in the stage.</param>
/// <param name="ExpectedRevenue">Their expected revenue.</param>
/// <param name="WeightedRevenue">Σ revenue × probability, exact to the cent.</param>
public sealed record ForecastStage(long StageId, string Name, long Count, decimal ExpectedRevenue, decimal WeightedRevenue);

/// <summary>The weighted forecast of the open pipeline, and what was won in the period.</summary>
/// <param name="TeamId">The team, or null for all.</param>
/// <param name="Range">The period that won revenue covers.</param>
/// <param name="Stages">Open stages in order.</param>
/// <param name="Count">Open opportunities.</param>
/// <param name="ExpectedRevenue">Their expected revenue.</param>
/// <param name="WeightedRevenue">Their weighted revenue, exact to the cent.</param>
/// <param name="WonCount">Opportunities won in the period.</param>
/// <param name="WonRevenue">Their revenue.</param>
public sealed record Forecast(
    long? TeamId, ReportRange Range, IReadOnlyList<ForecastStage> Stages, long Count, decimal ExpectedRevenue, decimal WeightedRevenue,
    long WonCount, decimal WonRevenue);

/// <param name="StageId">Stage id (the stage may since have been deleted).</param>
/// <param name="Name">Its current name, or the last name it had.</param>
/// <param name="Deleted">The stage no longer exists.</param>
/// <param name="Stays">Completed stays in the stage that started in the period.</param>
/// <param name="AverageSeconds">Average time spent in the stage.</param>
/// <param name="MedianSeconds">Median time spent in the stage.</param>
public sealed record StageDuration(long StageId, string Name, bool Deleted, long Stays, decimal AverageSeconds, decimal MedianSeconds);

/// <param name="StageId">Stage id (the stage may since have been deleted).</param>
/// <param name="Name">Its current name, or the last name it had.</param>
/// <param name="Deleted">The stage no longer exists.</param>
/// <param name="Reached">Opportunities created in the period that reached the stage.</param>
/// <param name="Won">Of those, how many are won.</param>
/// <param name="Lost">Of those, how many are lost.</param>
/// <param name="WinRate">Won ÷ reached, in percent with two decimals.</param>
public sealed record ConversionStage(long StageId, string Name, bool Deleted, long Reached, long Won, long Lost, decimal? WinRate);

/// <summary>Pipedrive-style conversion of the opportunities created in the period.</summary>
/// <param name="TeamId">The team, or null for all.</param>
/// <param name="Range">Creation period of the opportunities counted.</param>
/// <param name="Stages">Per stage, in pipeline order; deleted stages last.</param>
/// <param name="Created">Opportunities created in the period.</param>
/// <param name="Won">Of those, won.</param>
/// <param name="Lost">Of those, lost.</param>
/// <param name="WinRate">Won ÷ created, in percent.</param>
public sealed record Conversion(
    long? TeamId, ReportRange Range, IReadOnlyList<ConversionStage> Stages, long Created, long Won, long Lost, decimal? WinRate);

/// <param name="Id">Opportunity id.</param>
/// <param name="Name">Its name.</param>
/// <param name="TeamId">Its team.</param>
/// <param name="StageId">The stage it is rotting in.</param>
/// <param name="StageName">That stage's name.</param>
/// <param name="StageChangedAt">When it entered the stage.</param>
/// <param name="RottingDays">The stage's rotting days.</param>
/// <param name="ExpectedRevenue">Expected revenue.</param>
/// <param name="Probability">Probability of success.</param>
public sealed record StaleOpportunity(
    long Id, string Name, long? TeamId, long StageId, string StageName, DateTimeOffset StageChangedAt, int RottingDays,
    decimal ExpectedRevenue, decimal Probability);

/// <summary>How a stage's configured probability compares with what its deals really did.</summary>
/// <param name="StageId">The stage.</param>
/// <param name="StageName">Its name (its last name, when since deleted).</param>
/// <param name="Deleted">The stage has since been deleted.</param>
/// <param name="ConfiguredProbability">The probability the stage gives today; null when deleted.</param>
/// <param name="AutoProbability">Whether entering the stage sets it.</param>
/// <param name="Reached">Deals closed in the period that were in this stage before closing, each counted once.</param>
/// <param name="Won">Of those, won (the last outcome counts for a reopened deal).</param>
/// <param name="Lost">Of those, lost.</param>
/// <param name="ObservedWinRate">won / reached, in percent; null without deals.</param>
/// <param name="Lower95">Wilson score interval at 95 %, lower bound, in percent.</param>
/// <param name="Upper95">Its upper bound.</param>
/// <param name="SuggestedProbability">
/// The observed rate to a whole percent once reached ≥ minSample; apply it with SetProbability.
/// </param>
public sealed record CalibrationStage(
    long StageId, string StageName, bool Deleted, decimal? ConfiguredProbability, bool AutoProbability, long Reached, long Won, long Lost,
    decimal? ObservedWinRate, decimal? Lower95, decimal? Upper95, decimal? SuggestedProbability);

/// <summary>Every open stage of the pipeline, in order (then stages since deleted), calibrated from closed deals.</summary>
/// <param name="Items">The stages.</param>
/// <param name="MinSample">How many closed deals a stage needs before a probability is suggested.</param>
/// <param name="From">Period start (deals closed at or after it); null for the beginning.</param>
/// <param name="To">Period end (deals closed before it); null for none.</param>
public sealed record CalibrationReport(IReadOnlyList<CalibrationStage> Items, int MinSample, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>The reports managers use, computed in the database with exact integer sums.</summary>
public sealed class ReportQueries(Reads reads, BoardQueries board, Caller caller)
{
    public async Task<Forecast> ForecastAsync(long? teamId, ReportRange range, CancellationToken ct)
    {
        var stages = (await board.StagesAsync(teamId, ct)).Where(s => !s.IsClosing).ToList();
        var totals = (await board.TotalsAsync(teamId, ct)).Where(t => stages.Any(s => s.Id == t.StageId)).ToList();
        var parameters = new { caller.TenantId, TeamId = teamId, From = range.FromMs, To = range.ToMs };
        var won = (await reads.QueryAsync<(long Count, long? Cents)>(Sql.Won, parameters, ct)).Single();
        var perStage = stages.Select(s =>
        {
            var t = totals.Where(x => x.StageId == s.Id).ToList();
            return new ForecastStage(s.Id, s.Name, t.Sum(x => x.Count), BoardQueries.Revenue(t), BoardQueries.Weighted(t));
        }).ToList();
        return new Forecast(teamId, range, perStage, totals.Sum(t => t.Count), BoardQueries.Revenue(totals), BoardQueries.Weighted(totals),
            won.Count, Cents.ToAmount(won.Cents ?? 0));
    }

    public async Task<ListOf<StageDuration>> StageDurationsAsync(long? teamId, ReportRange range, CancellationToken ct)
    {
        var parameters = new { caller.TenantId, TeamId = teamId, From = range.FromMs, To = range.ToMs };
        var rows = await reads.QueryAsync<DurationRow>(Sql.Durations, parameters, ct);
        var names = await NamesAsync(teamId, ct);
        return new ListOf<StageDuration>(names.Order(rows.Select(r => r.StageId))
            .Select(id => (Row: rows.Single(r => r.StageId == id), Name: names[id]))
            .Select(x => new StageDuration(x.Row.StageId, x.Name.Name, x.Name.Deleted, x.Row.Stays,
                Seconds((decimal)x.Row.TotalMs / x.Row.Stays), Seconds((decimal)x.Row.MedianSumMs / x.Row.MedianCount)))
            .ToList());
    }

    public async Task<Conversion> ConversionAsync(long? teamId, ReportRange range, CancellationToken ct)
    {
        var parameters = new { caller.TenantId, TeamId = teamId, From = range.FromMs, To = range.ToMs };
        var rows = await reads.QueryAsync<ConversionRow>(Sql.Conversion, parameters, ct);
        var created = (await reads.QueryAsync<ConversionRow>(Sql.Created, parameters, ct)).Single();
        var names = await NamesAsync(teamId, ct);
        var stages = names.Order(rows.Select(r => r.StageId))
            .Select(id => (Row: rows.Single(r => r.StageId == id), Name: names[id]))
            .Select(x => new ConversionStage(
                x.Row.StageId, x.Name.Name, x.Name.Deleted, x.Row.Reached, x.Row.Won, x.Row.Lost, Rate(x.Row.Won, x.Row.Reached)))
            .ToList();
        return new Conversion(teamId, range, stages, created.Reached, created.Won, created.Lost, Rate(created.Won, created.Reached));
    }

    /// <summary>Three statements whatever the history's size: the pipeline, the counts per stage, the last names.</summary>
    public async Task<CalibrationReport> CalibrationAsync(long? teamId, ReportRange range, int? minSample, CancellationToken ct)
    {
        var sample = minSample switch
        {
            null => Calibration.DefaultMinSample,
            < 1 or > Calibration.MaxMinSample =>
                throw new BadRequestException("minSample", $"minSample must be between 1 and {Calibration.MaxMinSample}."),
            { } n => n,
        };
        var parameters = new { caller.TenantId, TeamId = teamId, From = range.FromMs, To = range.ToMs };
        var rows = (await reads.QueryAsync<ConversionRow>(Sql.Calibration, parameters, ct)).ToDictionary(r => r.StageId);
        // The closing stage is where every counted deal ends: it calibrates nothing.
        var names = await NamesAsync(teamId, ct);
        var open = names.Current.Where(s => !s.IsClosing).ToList();
        var deleted = rows.Keys.Where(id => names[id].Deleted).Order();
        var items = open.Select(s => s.Id).Concat(deleted).Select(id =>
        {
            var row = rows.GetValueOrDefault(id) ?? new ConversionRow { StageId = id };
            var stage = open.FirstOrDefault(s => s.Id == id);
            var estimate = Calibration.Of(row.Won, row.Reached, sample);
            return new CalibrationStage(id, names[id].Name, stage is null, stage?.Probability, stage?.AutoProbability ?? false,
                row.Reached, row.Won, row.Lost, estimate.ObservedWinRate, estimate.Lower95, estimate.Upper95, estimate.Suggested);
        }).ToList();
        return new CalibrationReport(items, sample, range.From, range.To);
    }

    public async Task<Page<StaleOpportunity>> StaleAsync(long? teamId, string? cursor, int? limit, CancellationToken ct)
    {
        var size = Paging.Limit(limit);
        var after = Paging.AfterPair(cursor) ?? (long.MinValue, 0);
        var rows = await reads.QueryAsync<StaleRow>(Sql.Stale(reads.Dialect), new
        {
            caller.TenantId, TeamId = teamId, Now = board.Now, Rotting.DayMs, AfterMs = after.First, AfterId = after.Second,
            Limit = size + 1,
        }, ct);
        return Paging.OfPair(rows.Select(r => r.ToDto()).ToList(), size, s => (s.StageChangedAt.ToUnixTimeMilliseconds(), s.Id));
    }

    /// <summary>Names of stages, current or since deleted (the last name history recorded), in pipeline order.</summary>
    private async Task<StageNames> NamesAsync(long? teamId, CancellationToken ct)
    {
        var current = await board.StagesAsync(teamId, ct);
        var recorded = await reads.QueryAsync<(long StageId, string Name)>(Sql.LastNames, new { caller.TenantId }, ct);
        return new StageNames(current, recorded);
    }

    private sealed class StageNames(IReadOnlyList<Stages.StageRow> current, IReadOnlyList<(long StageId, string Name)> recorded)
    {
        public IReadOnlyList<Stages.StageRow> Current => current;

        public (string Name, bool Deleted) this[long id] =>
            current.FirstOrDefault(s => s.Id == id) is { } stage
                ? (stage.Name, false)
                : (recorded.FirstOrDefault(r => r.StageId == id).Name ?? $"#{id}", true);

        public IEnumerable<long> Order(IEnumerable<long> ids) =>
            ids.OrderBy(id => current.FirstOrDefault(s => s.Id == id) is { } s ? (0, s.Sequence, s.Id) : (1, 0, id));
    }

    private static decimal Seconds(decimal ms) => decimal.Round(ms / 1000m, 3, MidpointRounding.AwayFromZero);

    private static decimal? Rate(long part, long whole) =>
        whole == 0 ? null : decimal.Round(part * 100m / whole, 2, MidpointRounding.AwayFromZero);

    private sealed class DurationRow
    {
        public long StageId { get; init; }
        public long Stays { get; init; }
        public long TotalMs { get; init; }
        public long MedianSumMs { get; init; }
        public long MedianCount { get; init; }
    }

    private sealed class ConversionRow
    {
        public long StageId { get; init; }
        public long Reached { get; init; }
        public long Won { get; init; }
        public long Lost { get; init; }
    }

    private sealed class StaleRow
    {
        public long Id { get; init; }
        public string Name { get; init; } = "";
        public long? TeamId { get; init; }
        public long StageId { get; init; }
        public string StageName { get; init; } = "";
        public long StageChangedAtMs { get; init; }
        public int RottingDays { get; init; }
        public long ExpectedRevenueCents { get; init; }
        public int ProbabilityBp { get; init; }

        public StaleOpportunity ToDto() => new(
            Id, Name, TeamId, StageId, StageName, DateTimeOffset.FromUnixTimeMilliseconds(StageChangedAtMs),
            RottingDays, Cents.ToAmount(ExpectedRevenueCents), Hundredths.ToPercent(ProbabilityBp));
    }

    /// <remarks>Counts are cast to BIGINT: SQL Server's COUNT and SUM of 1s are INT, SQLite's are 64-bit; both map to long.</remarks>
    private static class Sql
    {
        private const string TeamFilter =
            "(@TeamId IS NULL OR OpportunityId IN (SELECT Id FROM Opportunities WHERE TenantId = @TenantId AND TeamId = @TeamId))";

        public const string Won = """
            SELECT CAST(COUNT(*) AS BIGINT) AS Count, SUM(ExpectedRevenueCents) AS Cents FROM Opportunities
            WHERE TenantId = @TenantId AND Outcome = 'won' AND StageChangedAtMs >= @From AND StageChangedAtMs < @To
              AND (@TeamId IS NULL OR TeamId = @TeamId)
            """;

        /// <summary>
        /// A stay runs from an entry to the opportunity's next entry; the median is the middle one (or two) of each stage's sorted stays.
        /// </summary>
        public const string Durations = $"""
            WITH stays AS (
                SELECT ToStageId AS StageId, OccurredAtMs AS StartedMs,
                       LEAD(OccurredAtMs) OVER (PARTITION BY OpportunityId ORDER BY Id) - OccurredAtMs AS DurationMs
                FROM OpportunityHistory
                WHERE TenantId = @TenantId AND {TeamFilter}
            ), done AS (
                SELECT StageId, DurationMs FROM stays
                WHERE DurationMs IS NOT NULL AND StartedMs >= @From AND StartedMs < @To
            ), ranked AS (
                SELECT StageId, DurationMs,
                       ROW_NUMBER() OVER (PARTITION BY StageId ORDER BY DurationMs) AS Rn,
                       COUNT(*) OVER (PARTITION BY StageId) AS N
                FROM done
            )
            SELECT StageId, CAST(COUNT(*) AS BIGINT) AS Stays, SUM(DurationMs) AS TotalMs,
                   SUM(CASE WHEN Rn IN ((N + 1) / 2, (N + 2) / 2) THEN DurationMs ELSE 0 END) AS MedianSumMs,
                   CAST(SUM(CASE WHEN Rn IN ((N + 1) / 2, (N + 2) / 2) THEN 1 ELSE 0 END) AS BIGINT) AS MedianCount
            FROM ranked
            GROUP BY StageId
            """;

        /// <summary>Per stage: the opportunities the filter after it chooses that ever entered the stage, by their outcome now.</summary>
        private const string ReachedPerStage = """
            SELECT h.ToStageId AS StageId, CAST(COUNT(DISTINCT h.OpportunityId) AS BIGINT) AS Reached,
                   CAST(COUNT(DISTINCT CASE WHEN o.Outcome = 'won' THEN h.OpportunityId END) AS BIGINT) AS Won,
                   CAST(COUNT(DISTINCT CASE WHEN o.Outcome = 'lost' THEN h.OpportunityId END) AS BIGINT) AS Lost
            FROM OpportunityHistory h
            JOIN Opportunities o ON o.TenantId = h.TenantId AND o.Id = h.OpportunityId
            WHERE h.TenantId = @TenantId AND (@TeamId IS NULL OR o.TeamId = @TeamId)
            """;

        /// <summary>Opportunities created in the range.</summary>
        public const string Conversion = $"""
            {ReachedPerStage}
              AND o.CreatedAtMs >= @From AND o.CreatedAtMs < @To
            GROUP BY h.ToStageId
            """;

        public const string Created = """
            SELECT CAST(0 AS BIGINT) AS StageId, CAST(COUNT(*) AS BIGINT) AS Reached,
                   CAST(COALESCE(SUM(CASE WHEN Outcome = 'won' THEN 1 ELSE 0 END), 0) AS BIGINT) AS Won,
                   CAST(COALESCE(SUM(CASE WHEN Outcome = 'lost' THEN 1 ELSE 0 END), 0) AS BIGINT) AS Lost
            FROM Opportunities
            WHERE TenantId = @TenantId AND CreatedAtMs >= @From AND CreatedAtMs < @To AND (@TeamId IS NULL OR TeamId = @TeamId)
            """;

        /// <summary>Deals whose last close is in the range (a closed deal does not move until reopened).</summary>
        public const string Calibration = $"""
            {ReachedPerStage}
              AND o.Outcome IN ('won', 'lost') AND o.StageChangedAtMs >= @From AND o.StageChangedAtMs < @To
            GROUP BY h.ToStageId
            """;

        public const string LastNames = """
            SELECT ToStageId AS StageId, ToStageName AS Name FROM OpportunityHistory
            WHERE Id IN (SELECT MAX(Id) FROM OpportunityHistory WHERE TenantId = @TenantId GROUP BY ToStageId)
            """;

        public static string Stale(ISqlDialect dialect) => $"""
            SELECT o.Id, o.Name, o.TeamId, o.StageId, s.Name AS StageName, o.StageChangedAtMs, s.RottingDays,
                   o.ExpectedRevenueCents, o.ProbabilityBp
            FROM Opportunities o
            JOIN Stages s ON s.TenantId = o.TenantId AND s.Id = o.StageId
            WHERE o.TenantId = @TenantId AND o.Active = 1 AND o.Outcome = 'open' AND s.RottingDays > 0 AND s.IsClosing = 0
              AND o.StageChangedAtMs < @Now - CAST(s.RottingDays AS BIGINT) * @DayMs
              AND (@TeamId IS NULL OR o.TeamId = @TeamId)
              AND (o.StageChangedAtMs > @AfterMs OR (o.StageChangedAtMs = @AfterMs AND o.Id > @AfterId))
            ORDER BY o.StageChangedAtMs, o.Id
            {dialect.LimitClause}
            """;
    }
}
