using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Opportunities;

/// <summary>Opportunities and their moves. Reads need <c>pipeline.read</c>; changes need <c>pipeline.write</c>.</summary>
public static class OpportunitiesApi
{
    public static void MapOpportunitiesApi(this RouteGroupBuilder api)
    {
        var opportunities = api.MapGroup("/opportunities").WithTags("Opportunities");
        opportunities.MapGet("/", ListOpportunities).WithName(nameof(ListOpportunities))
            .WithSummary("List opportunities").WithDescription("Filtered by stage, team, outcome and archived; paged by `cursor`.")
            .ProducesValidationProblem();
        opportunities.MapGet("/{id:long}", GetOpportunity).WithName(nameof(GetOpportunity))
            .WithSummary("Get an opportunity").ProducesProblem(404);
        opportunities.MapGet("/{id:long}/history", GetOpportunityHistory).WithName(nameof(GetOpportunityHistory))
            .WithSummary("Stage history of an opportunity").WithDescription("Every stage change, oldest first, with the stage names as they were.")
            .ProducesValidationProblem().ProducesProblem(404);

        var write = opportunities.MapGroup("/").RequireAuthorization(Scopes.Write);
        write.MapPost("/", CreateOpportunity).WithName(nameof(CreateOpportunity))
            .WithSummary("Create an opportunity").WithRequestExample("a roof renovation", new { name = "Rénovation toiture – Dupont", expectedRevenue = 18450.00m, externalRef = "CRM-2026-0042" }).WithDescription("Lands in the first unfolded open stage of its pipeline unless a stage is given.")
            .ProducesValidationProblem().ProducesProblem(409).ProducesProblem(422);
        write.MapPatch("/{id:long}", UpdateOpportunity).WithName(nameof(UpdateOpportunity))
            .WithSummary("Update an opportunity").WithDescription("Name, expected revenue, team and external reference; omitted members stay as they are. A new team's pipeline must contain the current stage.")
            .WithRequestExample("the quote's amount changed", new { expectedRevenue = 19200.00m })
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422);
        write.MapPost("/{id:long}/move", MoveOpportunity).WithName(nameof(MoveOpportunity))
            .WithSummary("Move an opportunity to another stage").WithRequestExamples(new Dictionary<string, object> { ["to Devis"] = new { stageId = 4 }, ["won, into the closing stage"] = new { stageId = 5, outcome = "won" } })
            .WithDescription("Any stage of its pipeline, in any order. An automatic stage sets its probability; the closing stage needs `outcome`.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422);
        write.MapPut("/{id:long}/probability", SetOpportunityProbability).WithName(nameof(SetOpportunityProbability))
            .WithSummary("Set an opportunity's probability by hand").WithRequestExample("65 %", new { probability = 65.00m })
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        write.MapPost("/{id:long}/won", MarkWon).WithName(nameof(MarkWon))
            .WithSummary("Mark won").WithDescription("Moves it to the closing stage with probability 100.")
            .ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        write.MapPost("/{id:long}/lost", MarkLost).WithName(nameof(MarkLost))
            .WithSummary("Mark lost").WithRequestExample("too expensive", new { reason = "Prix trop élevé" }).WithDescription("Moves it to the closing stage with probability 0, keeps the reason and archives it.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
        write.MapPost("/{id:long}/reopen", ReopenOpportunity).WithName(nameof(ReopenOpportunity))
            .WithSummary("Reopen a won or lost opportunity").WithRequestExample("back to Devis", new { stageId = 4 })
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422);
        write.MapPost("/{id:long}/archive", ArchiveOpportunity).WithName(nameof(ArchiveOpportunity))
            .WithSummary("Archive an opportunity").ProducesProblem(404).ProducesProblem(412);
        write.MapPost("/{id:long}/restore", RestoreOpportunity).WithName(nameof(RestoreOpportunity))
            .WithSummary("Restore an archived opportunity").ProducesProblem(404).ProducesProblem(409).ProducesProblem(412);
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
        long? stageId, long? teamId, [AllowedValues("open", "won", "lost", null)] string? outcome, bool? archived, string? cursor, int? limit,
        OpportunityQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(new OpportunityFilter(stageId, teamId, outcome, archived), cursor, limit, ct));

    public static async Task<Ok<OpportunityDto>> GetOpportunity(long id, OpportunityQueries queries, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await queries.GetAsync(id, ct));

    public static async Task<Ok<Page<HistoryEntryDto>>> GetOpportunityHistory(long id, string? cursor, int? limit, OpportunityQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.HistoryAsync(id, cursor, limit, ct));

    public static async Task<Created<OpportunityDto>> CreateOpportunity(CreateOpportunity body, IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        var opportunity = await mediator.Send(body, ct);
        return response.Created($"/api/v1/opportunities/{opportunity.Id}", opportunity);
    }

    public static async Task<Ok<OpportunityDto>> UpdateOpportunity(long id, UpdateOpportunityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new UpdateOpportunity(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<Ok<OpportunityDto>> MoveOpportunity(long id, MoveOpportunityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new MoveOpportunity(id, ETags.ExpectedVersion(http.Request), body.StageId!.Value, body.Outcome), ct));

    public static async Task<Ok<OpportunityDto>> SetOpportunityProbability(long id, SetOpportunityProbabilityBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new SetOpportunityProbability(id, ETags.ExpectedVersion(http.Request), body.Probability!.Value), ct));

    public static async Task<Ok<OpportunityDto>> MarkWon(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new MarkWon(id, ETags.ExpectedVersion(http.Request)), ct));

    public static async Task<Ok<OpportunityDto>> MarkLost(long id, MarkLostBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new MarkLost(id, ETags.ExpectedVersion(http.Request), body.Reason), ct));

    public static async Task<Ok<OpportunityDto>> ReopenOpportunity(long id, ReopenOpportunityBody? body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new ReopenOpportunity(id, ETags.ExpectedVersion(http.Request), body?.StageId), ct));

    public static async Task<Ok<OpportunityDto>> ArchiveOpportunity(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new ArchiveOpportunity(id, ETags.ExpectedVersion(http.Request)), ct));

    public static async Task<Ok<OpportunityDto>> RestoreOpportunity(long id, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new RestoreOpportunity(id, ETags.ExpectedVersion(http.Request)), ct));
}
