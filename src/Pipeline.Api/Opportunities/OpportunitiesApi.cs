using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <summary>Opportunities and their moves. Reads need <c>pipeline.read</c>; changes need <c>pipeline.write</c>.</summary>
public static class OpportunitiesApi
{
    private static readonly EndpointDoc ListDoc = new(
        "List opportunities", "Filtered by stage, team, outcome and archived; paged by `cursor`.") { Problems = [400] };

    private static readonly EndpointDoc GetDoc = new("Get an opportunity") { Problems = [404] };

    private static readonly EndpointDoc HistoryDoc = new(
        "Stage history of an opportunity", "Every stage change, oldest first, with the stage names as they were.")
    {
        Problems = [400, 404],
    };

    public static void MapOpportunitiesApi(this RouteGroupBuilder api)
    {
        var opportunities = api.MapGroup("/opportunities").WithTags("Opportunities");
        opportunities.MapGet("/", ListOpportunities).Describe(nameof(ListOpportunities), ListDoc);
        opportunities.MapGet("/{id:long}", GetOpportunity).Describe(nameof(GetOpportunity), GetDoc);
        opportunities.MapGet("/{id:long}/history", GetOpportunityHistory).Describe(nameof(GetOpportunityHistory), HistoryDoc);

        var write = opportunities.MapGroup("/").RequireAuthorization(Scopes.Write);
        write.MapPost("/", CreateOpportunity).Describe<CreateOpportunity>();
        write.MapPatch("/{id:long}", UpdateOpportunity).Describe<UpdateOpportunity>();
        write.MapPost("/bulk-move", BulkMoveOpportunities).Describe<BulkMoveOpportunities>();
        write.MapPost("/{id:long}/move", MoveOpportunity).Describe<MoveOpportunity>();
        write.MapPut("/{id:long}/probability", SetOpportunityProbability).Describe<SetOpportunityProbability>();
        write.MapPost("/{id:long}/won", MarkWon).Describe<MarkWon>();
        write.MapPost("/{id:long}/lost", MarkLost).Describe<MarkLost>();
        write.MapPost("/{id:long}/reopen", ReopenOpportunity).Describe<ReopenOpportunity>();
        write.MapPost("/{id:long}/archive", ArchiveOpportunity).Describe<ArchiveOpportunity>();
        write.MapPost("/{id:long}/restore", RestoreOpportunity).Describe<RestoreOpportunity>();
    }

    /// <param name="stageId">Only those in this stage.</param>
    /// <param name="teamId">Only this team's.</param>
    /// <param name="outcome">Only `open`, `won` or `lost` ones.</param>
    /// <param name="archived">true lists archived (inactive) ones; false or omitted lists active ones.</param>
    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="queries">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<OpportunityDto>>> ListOpportunities(
        long? stageId, long? teamId, [AllowedValues("open", "won", "lost", null)] string? outcome, bool? archived, string? cursor,
        int? limit, OpportunityQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(new OpportunityFilter(stageId, teamId, outcome, archived), cursor, limit, ct));

    public static async Task<Ok<OpportunityDto>> GetOpportunity(
        long id, OpportunityQueries queries, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await queries.GetAsync(id, ct));

    public static async Task<Ok<Page<HistoryEntryDto>>> GetOpportunityHistory(
        long id, string? cursor, int? limit, OpportunityQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.HistoryAsync(id, cursor, limit, ct));

    /// <param name="body">The new opportunity.</param>
    /// <param name="idempotencyKey">A unique key per intended creation: a retry with the same key gets the first answer.</param>
    /// <param name="mediator">Sends the command.</param>
    /// <param name="response">Carries the ETag.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Created<OpportunityDto>> CreateOpportunity(
        CreateOpportunityBody body,
        [FromHeader(Name = IIdempotentCreate.Header), StringLength(IIdempotentCreate.MaxLength), Identifier] string? idempotencyKey,
        IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        var opportunity = await mediator.Send(new CreateOpportunity(body, idempotencyKey), ct);
        return response.Created($"/api/v1/opportunities/{opportunity.Id}", opportunity);
    }

    public static async Task<Ok<OpportunityDto>> UpdateOpportunity(
        long id, UpdateOpportunityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new UpdateOpportunity(id, ETags.ExpectedVersion(http.Request), body), ct));

    /// <param name="body">The opportunities and their stage.</param>
    /// <param name="idempotencyKey">A unique key per intended bulk move: a retry with the same key gets the first answer.</param>
    /// <param name="mediator">Sends the command.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<BulkMoveOutcome>> BulkMoveOpportunities(
        BulkMoveBody body,
        [FromHeader(Name = IIdempotentCreate.Header), StringLength(IIdempotentCreate.MaxLength), Identifier] string? idempotencyKey,
        IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new BulkMoveOpportunities(body, idempotencyKey), ct));

    public static async Task<Ok<OpportunityDto>> MoveOpportunity(
        long id, MoveOpportunityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new MoveOpportunity(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<OpportunityDto>> SetOpportunityProbability(
        long id, SetOpportunityProbabilityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new SetOpportunityProbability(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<OpportunityDto>> MarkWon(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new MarkWon(id, ETags.ExpectedVersion(http.Request)), ct));

    public static async Task<Ok<OpportunityDto>> MarkLost(
        long id, MarkLostBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new MarkLost(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<OpportunityDto>> ReopenOpportunity(
        long id, ReopenOpportunityBody? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new ReopenOpportunity(id, ETags.ExpectedVersion(http.Request), body ?? new()), ct));

    public static async Task<Ok<OpportunityDto>> ArchiveOpportunity(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new ArchiveOpportunity(id, ETags.ExpectedVersion(http.Request)), ct));

    public static async Task<Ok<OpportunityDto>> RestoreOpportunity(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new RestoreOpportunity(id, ETags.ExpectedVersion(http.Request)), ct));
}
