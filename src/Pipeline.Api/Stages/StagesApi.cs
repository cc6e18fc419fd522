using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Http;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

/// <summary>The pipeline's columns. Reads need <c>pipeline.read</c>; every change needs <c>pipeline.admin</c>.</summary>
public static class StagesApi
{
    public static void MapStagesApi(this RouteGroupBuilder api)
    {
        var stages = api.MapGroup("/stages").WithTags("Stages");

        stages.MapGet("/", ListStages).WithName(nameof(ListStages))
            .WithSummary("List stages").WithDescription("A team's pipeline (the shared stages plus the team's own) in order; without teamId, every stage.")
            .ProducesValidationProblem();
        stages.MapGet("/{id:long}", GetStage).WithName(nameof(GetStage))
            .WithSummary("Get a stage").ProducesProblem(404);
        stages.MapGet("/audit", ListStageAudit).WithName(nameof(ListStageAudit))
            .WithSummary("Audit of every stage change").WithDescription("Who changed which stage, when, and the values before and after; newest first, paged.")
            .ProducesValidationProblem();
        stages.MapGet("/{id:long}/audit", GetStageAudit).WithName(nameof(GetStageAudit))
            .WithSummary("Audit of one stage").WithDescription("Also for a stage since deleted; newest first, paged.")
            .ProducesValidationProblem();

        var admin = stages.MapGroup("/").RequireAuthorization(Scopes.Admin);
        admin.MapPost("/", CreateStage).WithName(nameof(CreateStage))
            .WithSummary("Add a new column").WithRequestExample("a follow-up column at 30 %", new { name = "Relance", probability = 30, autoProbability = true, rottingDays = 14 }).WithDescription("Placed just before the closing stage unless a position is given.")
            .ProducesValidationProblem().ProducesProblem(409);
        admin.MapPut("/{id:long}/name", RenameStage).WithName(nameof(RenameStage))
            .WithSummary("Rename a stage").WithRequestExample("rename Devis", new { name = "Devis envoyé" }).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        admin.MapPut("/{id:long}/fold", FoldStage).WithName(nameof(FoldStage))
            .WithSummary("Fold or unfold a stage").WithRequestExample("fold Estimation", new { folded = true }).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(412);
        admin.MapPut("/{id:long}/probability", SetProbability).WithName(nameof(SetProbability))
            .WithSummary("Set a stage's probability").WithRequestExample("Devis at 80 %", new { probability = 80.00m, autoProbability = true })
            .WithDescription("When the stage changes probability automatically, every open opportunity whose probability comes from the stage takes the new value; `reassigned` says how many.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(412).ProducesProblem(422);
        admin.MapPut("/order", ReorderStages).WithName(nameof(ReorderStages))
            .WithSummary("Reorder a pipeline").WithRequestExample("Visite Technique before Estimation", new { teamId = (long?)null, stageIds = new[] { 1, 3, 2, 4, 5 } }).WithDescription("Takes every stage of one pipeline, in the new order, and applies it atomically.")
            .ProducesValidationProblem().ProducesProblem(422);
        admin.MapPatch("/{id:long}", EditStage).WithName(nameof(EditStage))
            .WithSummary("Edit a stage (the \"Editer la colonne\" form)").WithRequestExample("the Devis column", new { name = "Devis", teamId = (long?)null, folded = false, autoProbability = true, probability = 80.00m }).WithDescription("Name, team, folded, automatic probability and probability in one atomic save; omitted members stay as they are.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422);
        admin.MapDelete("/{id:long}", DeleteStage).WithName(nameof(DeleteStage))
            .WithSummary("Delete a stage")
            .WithDescription("Refused (409, with activeCount and archivedCount) while the stage holds any opportunity, archived ones included, unless moveOpportunitiesTo names the stage that takes them. The closing stage, and a stage an automation rule targets (409 with ruleIds), are never deleted.")
            .ProducesProblem(404).Produces<StageDeletionProblem>(409, "application/problem+json").ProducesProblem(412).ProducesProblem(422);
    }

    public static async Task<Ok<ListOf<StageDto>>> ListStages(long? teamId, StageQueries stages, CancellationToken ct) =>
        TypedResults.Ok(new ListOf<StageDto>(await stages.ListAsync(teamId, ct)));

    public static async Task<Ok<StageDto>> GetStage(long id, StageQueries stages, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await stages.GetAsync(id, ct));

    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="audit">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<StageAuditEntryDto>>> ListStageAudit(string? cursor, int? limit, StageAuditQueries audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.ListAsync(null, cursor, limit, ct));

    /// <param name="id">The stage.</param>
    /// <param name="cursor">`nextCursor` of the previous page.</param>
    /// <param name="limit">Page size, 1–100 (default 50).</param>
    /// <param name="audit">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<Page<StageAuditEntryDto>>> GetStageAudit(long id, string? cursor, int? limit, StageAuditQueries audit, CancellationToken ct) =>
        TypedResults.Ok(await audit.ListAsync(id, cursor, limit, ct));

    public static async Task<Created<StageDto>> CreateStage(CreateStage body, IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        var stage = await mediator.Send(body, ct);
        return response.Created($"/api/v1/stages/{stage.Id}", stage);
    }

    public static async Task<Ok<StageDto>> RenameStage(long id, RenameStageBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new RenameStage(id, ETags.ExpectedVersion(http.Request), body.Name), ct));

    public static async Task<Ok<StageDto>> FoldStage(long id, FoldStageBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new FoldStage(id, ETags.ExpectedVersion(http.Request), body.Folded!.Value), ct));

    public static async Task<Ok<StageDto>> SetProbability(long id, SetProbabilityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new SetProbability(id, ETags.ExpectedVersion(http.Request), body.Probability!.Value, body.AutoProbability), ct));

    public static async Task<Ok<ListOf<StageDto>>> ReorderStages(ReorderStages body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(body, ct));

    public static async Task<Ok<StageDto>> EditStage(long id, EditStageBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new EditStage(id, ETags.ExpectedVersion(http.Request),
            new StageChanges(body.Name, body.TeamId, body.Folded, body.AutoProbability, body.Probability, body.RottingDays)), ct));

    public static async Task<NoContent> DeleteStage(long id, long? moveOpportunitiesTo, IMediator mediator, HttpRequest request, CancellationToken ct)
    {
        await mediator.Send(new DeleteStage(id, ETags.ExpectedVersion(request), moveOpportunitiesTo), ct);
        return TypedResults.NoContent();
    }
}
