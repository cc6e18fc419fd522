using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Reports;

/// <summary>The kanban board and the pipeline reports (pipeline.read).</summary>
public static class ReportsApi
{
    private static readonly EndpointDoc BoardDoc = new(
        "The kanban board in one call",
        "The team's pipeline in order (without teamId: every stage and every opportunity), each column with its count, "
        + "expected and weighted revenue, stale count and, unless folded, its first cards. Archived opportunities are not on the board.")
    {
        Problems = [400],
    };

    private static readonly EndpointDoc CardsDoc = new(
        "More cards of one column", "Pass the column's nextCursor; the same teamId as the board.")
    {
        Problems = [400, 404],
    };

    private static readonly EndpointDoc ForecastDoc = new(
        "Weighted forecast",
        "Per open stage and in total: count, expected and weighted revenue; and the revenue won in the period.") { Problems = [400] };

    private static readonly EndpointDoc DurationsDoc = new(
        "Time spent in each stage",
        "Average and median of the completed stays that started in the period, from the history; "
        + "stages since deleted keep their last name.")
    {
        Problems = [400],
    };

    private static readonly EndpointDoc ConversionDoc = new(
        "Stage conversion",
        "Of the opportunities created in the period: how many reached each stage, how many of those were won or lost, "
        + "and the stage-to-won rate.")
    {
        Problems = [400],
    };

    private static readonly EndpointDoc CalibrationDoc = new(
        "Stage probabilities calibrated from closed deals",
        "For each open stage of the pipeline, in order: of the deals closed in the period that were in the stage, how many were won "
        + "and lost, the observed win rate with its Wilson 95 % interval, and a suggested probability once minSample deals are in. "
        + "Applying a suggestion stays an explicit SetProbability.")
    {
        Problems = [400],
    };

    private static readonly EndpointDoc StaleDoc = new(
        "Stale (rotting) opportunities",
        "Open opportunities that sat longer than their stage's rotting days, oldest first, paged.") { Problems = [400] };

    public static void MapReportsApi(this RouteGroupBuilder api)
    {
        var board = api.MapGroup("/pipeline").WithTags("Board");
        board.MapGet("/", GetBoard).Describe(nameof(GetBoard), BoardDoc);
        board.MapGet("/stages/{stageId:long}/cards", GetBoardColumnCards).Describe(nameof(GetBoardColumnCards), CardsDoc);

        var reports = api.MapGroup("/reports").WithTags("Reports");
        reports.MapGet("/forecast", GetForecast).Describe(nameof(GetForecast), ForecastDoc);
        reports.MapGet("/stage-durations", GetStageDurations).Describe(nameof(GetStageDurations), DurationsDoc);
        reports.MapGet("/conversion", GetConversion).Describe(nameof(GetConversion), ConversionDoc);
        reports.MapGet("/stale", GetStaleOpportunities).Describe(nameof(GetStaleOpportunities), StaleDoc);
        reports.MapGet("/calibration", GetCalibration).Describe(nameof(GetCalibration), CalibrationDoc);
    }

    /// <param name="teamId">The team whose pipeline to draw; omitted for every stage and opportunity.</param>
    /// <param name="cardsPerStage">Cards per unfolded column, 1–100 (default 20).</param>
    /// <param name="queries">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Board>> GetBoard(long? teamId, int? cardsPerStage, BoardQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.BoardAsync(teamId, cardsPerStage, ct));

    /// <param name="stageId">The column.</param>
    /// <param name="teamId">The board's team.</param>
    /// <param name="cursor">The column's nextCursor.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="queries">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<BoardCard>>> GetBoardColumnCards(
        long stageId, long? teamId, string? cursor, int? limit, BoardQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.CardsAsync(stageId, teamId, cursor, limit, ct));

    /// <param name="teamId">One team; omitted for all.</param>
    /// <param name="from">Period start (included); default: the beginning.</param>
    /// <param name="to">Period end (excluded); default: none.</param>
    /// <param name="queries">Read side.</param>
    /// <param name="request">The query, whose dates need their offset.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Forecast>> GetForecast(
        long? teamId, DateTimeOffset? from, DateTimeOffset? to, ReportQueries queries, HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(await queries.ForecastAsync(teamId, ReportRange.Of(from, to, request.Query), ct));

    /// <param name="teamId">One team; omitted for all.</param>
    /// <param name="from">Period start (included); default: the beginning.</param>
    /// <param name="to">Period end (excluded); default: none.</param>
    /// <param name="queries">Read side.</param>
    /// <param name="request">The query, whose dates need their offset.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<ListOf<StageDuration>>> GetStageDurations(
        long? teamId, DateTimeOffset? from, DateTimeOffset? to, ReportQueries queries, HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(await queries.StageDurationsAsync(teamId, ReportRange.Of(from, to, request.Query), ct));

    /// <param name="teamId">One team; omitted for all.</param>
    /// <param name="from">Creation period start (included); default: the beginning.</param>
    /// <param name="to">Creation period end (excluded); default: none.</param>
    /// <param name="queries">Read side.</param>
    /// <param name="request">The query, whose dates need their offset.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Conversion>> GetConversion(
        long? teamId, DateTimeOffset? from, DateTimeOffset? to, ReportQueries queries, HttpRequest request, CancellationToken ct) =>
        TypedResults.Ok(await queries.ConversionAsync(teamId, ReportRange.Of(from, to, request.Query), ct));

    /// <param name="teamId">One team; omitted for all.</param>
    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="queries">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<StaleOpportunity>>> GetStaleOpportunities(
        long? teamId, string? cursor, int? limit, ReportQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.StaleAsync(teamId, cursor, limit, ct));

    /// <param name="teamId">The team whose pipeline to calibrate; omitted for every stage and deal.</param>
    /// <param name="from">Deals closed at or after this instant; default: the beginning.</param>
    /// <param name="to">Deals closed before this instant; default: none.</param>
    /// <param name="minSample">Closed deals a stage needs before a probability is suggested, 1–100000 (default 20).</param>
    /// <param name="queries">Read side.</param>
    /// <param name="request">The query, whose dates need their offset.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<CalibrationReport>> GetCalibration(
        long? teamId, DateTimeOffset? from, DateTimeOffset? to, int? minSample, ReportQueries queries, HttpRequest request,
        CancellationToken ct) =>
        TypedResults.Ok(await queries.CalibrationAsync(teamId, ReportRange.Of(from, to, request.Query), minSample, ct));
}
