using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>The pipeline's columns. Reads need <c>pipeline.read</c>; every change needs <c>pipeline.admin</c>.</summary>
public static class StagesApi
{
    private static readonly EndpointDoc ListDoc = new(
        "List stages", "A team's pipeline (the shared stages plus the team's own) in order; without teamId, every stage.")
    {
        Problems = [400],
    };

    private static readonly EndpointDoc GetDoc = new("Get a stage") { Problems = [404] };

    private static readonly EndpointDoc AuditDoc = new(
        "Audit of every stage change", "Who changed which stage, when, and the values before and after; newest first, paged.")
    {
        Problems = [400],
    };

    private static readonly EndpointDoc StageAuditDoc = new("Audit of one stage", "Also for a stage since deleted; newest first, paged.")
    {
        Problems = [400],
    };

    public static void MapStagesApi(this RouteGroupBuilder api)
    {
        var stages = api.MapGroup("/stages").WithTags("Stages");
        stages.MapGet("/", ListStages).Describe(nameof(ListStages), ListDoc);
        stages.MapGet("/{id:long}", GetStage).Describe(nameof(GetStage), GetDoc);
        stages.MapGet("/audit", ListStageAudit).Describe(nameof(ListStageAudit), AuditDoc);
        stages.MapGet("/{id:long}/audit", GetStageAudit).Describe(nameof(GetStageAudit), StageAuditDoc);

        var admin = stages.MapGroup("/").RequireAuthorization(Scopes.Admin);
        admin.MapPost("/", CreateStage).Describe<CreateStage>();
        admin.MapPut("/{id:long}/name", RenameStage).Describe<RenameStage>();
        admin.MapPut("/{id:long}/fold", FoldStage).Describe<FoldStage>();
        admin.MapPut("/{id:long}/probability", SetProbability).Describe<SetProbability>();
        admin.MapPut("/order", ReorderStages).Describe<ReorderStages>();
        admin.MapPatch("/{id:long}", EditStage).Describe<EditStage>();
        admin.MapDelete("/{id:long}", DeleteStage).Describe<DeleteStage>();
    }

    public static async Task<Ok<ListOf<StageDto>>> ListStages(long? teamId, StageQueries stages, CancellationToken ct) =>
        TypedResults.Ok(new ListOf<StageDto>(await stages.ListAsync(teamId, ct)));

    public static async Task<Ok<StageDto>> GetStage(long id, StageQueries stages, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await stages.GetAsync(id, ct));

    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="audit">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<StageAuditEntryDto>>> ListStageAudit(
        string? cursor, int? limit, StageAuditQueries audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.ListAsync(null, cursor, limit, ct));

    /// <param name="id">The stage.</param>
    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="audit">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<StageAuditEntryDto>>> GetStageAudit(
        long id, string? cursor, int? limit, StageAuditQueries audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.ListAsync(id, cursor, limit, ct));

    /// <param name="body">The new column.</param>
    /// <param name="idempotencyKey">A unique key per intended creation: a retry with the same key gets the first answer.</param>
    /// <param name="mediator">Sends the command.</param>
    /// <param name="response">Carries the ETag.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Created<StageDto>> CreateStage(
        CreateStageBody body,
        [FromHeader(Name = IIdempotentCreate.Header), StringLength(IIdempotentCreate.MaxLength), Identifier] string? idempotencyKey,
        IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        var stage = await mediator.Send(new CreateStage(body, idempotencyKey), ct);
        return response.Created($"/api/v1/stages/{stage.Id}", stage);
    }

    public static async Task<Ok<StageDto>> RenameStage(
        long id, RenameStageBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new RenameStage(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<StageDto>> FoldStage(
        long id, FoldStageBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new FoldStage(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<StageDto>> SetProbability(
        long id, SetProbabilityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new SetProbability(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<ListOf<StageDto>>> ReorderStages(ReorderStagesBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ReorderStages(body), ct));

    public static async Task<Ok<StageDto>> EditStage(
        long id, EditStageBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new EditStage(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<NoContent> DeleteStage(
        long id, long? moveOpportunitiesTo, IMediator mediator, HttpRequest request, CancellationToken ct)
    {
        await mediator.Send(new DeleteStage(id, ETags.ExpectedVersion(request), moveOpportunitiesTo), ct);
        return TypedResults.NoContent();
    }
}
