using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Automation;

/// <summary>Stage automation: rules (pipeline.admin) and business events (pipeline.write).</summary>
public static class AutomationApi
{
    private static readonly EndpointDoc ListDoc = new("List automation rules, in the order they are tried");

    private static readonly EndpointDoc GetDoc = new("Get an automation rule") { Problems = [404] };

    public static void MapAutomationApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/automation-rules").WithTags("Automation rules");
        rules.MapGet("/", ListAutomationRules).Describe(nameof(ListAutomationRules), ListDoc);
        rules.MapGet("/{id:long}", GetAutomationRule).Describe(nameof(GetAutomationRule), GetDoc);
        var admin = rules.MapGroup("/").RequireAuthorization(Scopes.Admin);
        admin.MapPost("/", CreateAutomationRule).Describe<CreateAutomationRule>();
        admin.MapPut("/{id:long}", UpdateAutomationRule).Describe<UpdateAutomationRule>();
        admin.MapDelete("/{id:long}", DeleteAutomationRule).Describe<DeleteAutomationRule>();
        admin.MapPut("/order", ReorderAutomationRules).Describe<ReorderAutomationRules>();

        var events = api.MapGroup("/events").WithTags("Events").RequireAuthorization(Scopes.Write);
        events.MapPost("/", IngestEvent).Describe<IngestEvent>();
        events.MapPost("/batch", IngestEventBatch).Describe(nameof(IngestEventBatch), Automation.IngestEventBatch.Doc);
    }

    public static async Task<Ok<ListOf<AutomationRuleDto>>> ListAutomationRules(AutomationRuleQueries rules, CancellationToken ct) =>
        TypedResults.Ok(new ListOf<AutomationRuleDto>(await rules.ListAsync(ct)));

    public static async Task<Ok<AutomationRuleDto>> GetAutomationRule(
        long id, AutomationRuleQueries rules, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await rules.GetAsync(id, ct));

    /// <param name="body">The new rule.</param>
    /// <param name="idempotencyKey">A unique key per intended creation: a retry with the same key gets the first answer.</param>
    /// <param name="mediator">Sends the command.</param>
    /// <param name="response">Carries the ETag.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Created<AutomationRuleDto>> CreateAutomationRule(
        AutomationRuleBody body,
        [FromHeader(Name = IIdempotentCreate.Header), StringLength(IIdempotentCreate.MaxLength), Identifier] string? idempotencyKey,
        IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        var rule = await mediator.Send(new CreateAutomationRule(body, idempotencyKey), ct);
        return response.Created($"/api/v1/automation-rules/{rule.Id}", rule);
    }

    public static async Task<Ok<AutomationRuleDto>> UpdateAutomationRule(
        long id, AutomationRuleBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new UpdateAutomationRule(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<NoContent> DeleteAutomationRule(long id, IMediator mediator, HttpRequest request, CancellationToken ct)
    {
        await mediator.Send(new DeleteAutomationRule(id, ETags.ExpectedVersion(request)), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ListOf<AutomationRuleDto>>> ReorderAutomationRules(
        ReorderAutomationRulesBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new ReorderAutomationRules(body), ct));

    public static async Task<Ok<EventOutcome>> IngestEvent(IngestEventBody body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(new IngestEvent(body), ct));

    public static async Task<Ok<ListOf<BatchItemResult>>> IngestEventBatch(
        EventBatch body, IngestEventBatch batch, HttpContext context, CancellationToken ct) =>
        TypedResults.Ok(await batch.HandleAsync(body, context.TraceIdentifier, ct));
}
