using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Automation;

/// <summary>Up to 100 events, each answered on its own.</summary>
/// <param name="Events">The events, applied in order.</param>
public sealed record EventBatch([property: Required, MinLength(1), MaxLength(100)] IReadOnlyList<IngestEvent> Events);

/// <summary>One event's answer within a batch: the status it would have had alone, and its outcome or problem.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Status">200, or the 4xx its problem carries.</param>
/// <param name="Result">The outcome, when processed.</param>
/// <param name="Problem">Why it was refused, when it was.</param>
public sealed record BatchItemResult(string EventId, int Status, EventOutcome? Result, ProblemDetails? Problem);

/// <summary>Stage automation: rules (pipeline.admin) and business events (pipeline.write).</summary>
public static class AutomationApi
{
    private static readonly DateTimeOffset ExampleTime = new(2026, 11, 29, 9, 30, 0, TimeSpan.Zero);

    private static readonly IReadOnlyDictionary<string, object> EventExamples = new Dictionary<string, object>
    {
        ["quote.issued"] = new { eventId = "devis-2026-0412", type = "quote.issued", opportunityId = 42, occurredAt = ExampleTime, data = new { quoteNumber = "D-2026-0412", amount = 18450.00m } },
        ["estimate.generated"] = new { eventId = "estimation-7781", type = "estimate.generated", opportunityId = 42, occurredAt = ExampleTime },
        ["technical_visit.scheduled"] = new { eventId = "vt-5521-planifiee", type = "technical_visit.scheduled", opportunityId = 42, occurredAt = ExampleTime, data = new { visitDate = "2026-12-03" } },
        ["technical_visit.completed"] = new { eventId = "vt-5521-realisee", type = "technical_visit.completed", opportunityId = 42, occurredAt = ExampleTime },
        ["email.sent"] = new { eventId = "mail-90311", type = "email.sent", opportunityId = 42, occurredAt = ExampleTime, data = new { subject = "Votre devis" } },
    };

    public static void MapAutomationApi(this RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/automation-rules").WithTags("Automation rules");
        rules.MapGet("/", ListAutomationRules).WithName(nameof(ListAutomationRules)).WithSummary("List automation rules, in the order they are tried");
        rules.MapGet("/{id:long}", GetAutomationRule).WithName(nameof(GetAutomationRule)).WithSummary("Get an automation rule").ProducesProblem(404);
        var admin = rules.MapGroup("/").RequireAuthorization(Scopes.Admin);
        admin.MapPost("/", CreateAutomationRule).WithName(nameof(CreateAutomationRule))
            .WithSummary("Create an automation rule").WithDescription("Tried after the existing rules. The target must be an open stage of the rule's team's pipeline.")
            .ProducesValidationProblem().ProducesProblem(422)
            .WithRequestExamples(new Dictionary<string, object> { ["quote issued → Devis"] = new { eventType = "quote.issued", targetStageId = 4, forwardOnly = true, enabled = true } });
        admin.MapPut("/{id:long}", UpdateAutomationRule).WithName(nameof(UpdateAutomationRule))
            .WithSummary("Replace an automation rule").WithRequestExample("technical visit done → Visite Technique, team 2", new { eventType = "technical_visit.completed", targetStageId = 3, teamId = 2, forwardOnly = true, enabled = true }).ProducesValidationProblem().ProducesProblem(404).ProducesProblem(412).ProducesProblem(422);
        admin.MapDelete("/{id:long}", DeleteAutomationRule).WithName(nameof(DeleteAutomationRule))
            .WithSummary("Delete an automation rule").ProducesProblem(404).ProducesProblem(412);
        admin.MapPut("/order", ReorderAutomationRules).WithName(nameof(ReorderAutomationRules))
            .WithSummary("Reorder the automation rules").WithRequestExample("quote rule first", new { ruleIds = new[] { 4, 1, 2, 3 } }).WithDescription("Takes every rule, each once, in the order they are tried.")
            .ProducesValidationProblem().ProducesProblem(422);

        var events = api.MapGroup("/events").WithTags("Events").RequireAuthorization(Scopes.Write);
        events.MapPost("/", IngestEvent).WithName(nameof(IngestEvent))
            .WithSummary("Report a business event")
            .WithDescription("Applies the first matching automation rule, exactly once per eventId: a redelivery gets the same answer and moves nothing; "
                             + "the same eventId with another payload is refused (422). An unknown opportunity is 404 and nothing is recorded, so the sender can retry.")
            .ProducesValidationProblem().ProducesProblem(404).ProducesProblem(422)
            .WithRequestExamples(EventExamples);
        events.MapPost("/batch", IngestEventBatch).WithName(nameof(IngestEventBatch))
            .WithSummary("Report up to 100 business events")
            .WithDescription("Each event is applied on its own, in order, with the same exactly-once rules; one refused event does not fail the others.")
            .ProducesValidationProblem()
            .WithRequestExamples(new Dictionary<string, object> { ["a flushed queue"] = new { events = EventExamples.Values.Take(3) } });
    }

    public static async Task<Ok<ListOf<AutomationRuleDto>>> ListAutomationRules(AutomationRuleQueries rules, CancellationToken ct) =>
        TypedResults.Ok(new ListOf<AutomationRuleDto>(await rules.ListAsync(ct)));

    public static async Task<Ok<AutomationRuleDto>> GetAutomationRule(long id, AutomationRuleQueries rules, HttpResponse response, CancellationToken ct) =>
        response.Versioned(await rules.GetAsync(id, ct));

    public static async Task<Created<AutomationRuleDto>> CreateAutomationRule(AutomationRuleBody body, IMediator mediator, HttpResponse response, CancellationToken ct)
    {
        var rule = await mediator.Send(new CreateAutomationRule(body), ct);
        return response.Created($"/api/v1/automation-rules/{rule.Id}", rule);
    }

    public static async Task<Ok<AutomationRuleDto>> UpdateAutomationRule(long id, AutomationRuleBody body, IMediator mediator, HttpContext http, CancellationToken ct) =>
        http.Response.Versioned(await mediator.Send(new UpdateAutomationRule(id, ETags.ExpectedVersion(http.Request), body), ct));

    public static async Task<NoContent> DeleteAutomationRule(long id, IMediator mediator, HttpRequest request, CancellationToken ct)
    {
        await mediator.Send(new DeleteAutomationRule(id, ETags.ExpectedVersion(request)), ct);
        return TypedResults.NoContent();
    }

    public static async Task<Ok<ListOf<AutomationRuleDto>>> ReorderAutomationRules(ReorderAutomationRules body, IMediator mediator, CancellationToken ct) =>
        TypedResults.Ok(await mediator.Send(body, ct));

    public static async Task<Ok<EventOutcome>> IngestEvent(IngestEvent body, IMediator mediator, Caller caller, AutomationTelemetry telemetry, CancellationToken ct)
    {
        CheckData(body);
        var outcome = await mediator.Send(body, ct);
        telemetry.Record(caller.TenantId, body, outcome);
        return TypedResults.Ok(outcome);
    }

    public static async Task<Ok<ListOf<BatchItemResult>>> IngestEventBatch(
        EventBatch body, IMediator mediator, Caller caller, AutomationTelemetry telemetry, ISqlDialect dialect, ILogger<EventBatch> logger, CancellationToken ct)
    {
        var results = new List<BatchItemResult>(body.Events.Count);
        foreach (var delivered in body.Events)
        {
            try
            {
                CheckData(delivered);
                var outcome = await mediator.Send(delivered, ct);
                telemetry.Record(caller.TenantId, delivered, outcome);
                results.Add(new BatchItemResult(delivered.EventId, StatusCodes.Status200OK, outcome, null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var problem = ExceptionProblems.ToProblem(e, dialect);
                if (problem is null) logger.LogError(e, "Event {EventId} of a batch failed", delivered.EventId);
                problem ??= new ProblemDetails { Status = 500, Type = Problems.Type("internal"), Title = "Internal error", Detail = "The event could not be processed; retry it." };
                results.Add(new BatchItemResult(delivered.EventId, problem.Status!.Value, null, problem));
            }
        }
        return TypedResults.Ok(new ListOf<BatchItemResult>(results));
    }

    private static void CheckData(IngestEvent e)
    {
        if (e.Data is { ValueKind: not System.Text.Json.JsonValueKind.Object and not System.Text.Json.JsonValueKind.Null })
            throw new BadRequestException("data", "data must be a JSON object.");
    }
}
