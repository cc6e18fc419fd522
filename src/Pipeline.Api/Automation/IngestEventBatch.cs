using System.ComponentModel.DataAnnotations;
using Mediator;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Automation;

/// <summary>Up to 100 events, each answered on its own.</summary>
/// <param name="Events">The events, applied in order.</param>
public sealed record EventBatch([property: Required, MinLength(1), MaxLength(100)] IReadOnlyList<IngestEventBody> Events);

/// <summary>One event's answer within a batch: the status it would have had alone, and its outcome or problem.</summary>
/// <param name="EventId">The event.</param>
/// <param name="Status">200, or the 4xx its problem carries.</param>
/// <param name="Result">The outcome, when processed.</param>
/// <param name="Problem">Why it was refused, when it was.</param>
public sealed record BatchItemResult(string EventId, int Status, EventOutcome? Result, ProblemDetails? Problem);

/// <summary>
/// A batch is its events sent one by one as <see cref="IngestEvent"/> commands, each its own unit of work with the
/// same exactly-once rules: one refused event does not fail the others, and its problem is its answer.
/// </summary>
public sealed partial class IngestEventBatch(
    IMediator mediator, ISqlDialect dialect, ILogger<IngestEventBatch> logger)
{
    public static EndpointDoc Doc { get; } = new(
        "Report up to 100 business events",
        "Each event is applied on its own, in order, with the same exactly-once rules; one refused event does not fail the others.")
    {
        Examples = new Dictionary<string, object> { ["a flushed queue"] = new { events = IngestEvent.Examples.Values.Take(3) } },
        Problems = [400],
    };

    public async Task<ListOf<BatchItemResult>> HandleAsync(EventBatch batch, string traceIdentifier, CancellationToken ct)
    {
        // The batch is read whole before anything applies: a malformed one is one 400 and changes nothing.
        var hole = batch.Events.Select((e, i) => e is null ? i : -1).FirstOrDefault(i => i >= 0, -1);
        if (hole >= 0) throw new BadRequestException($"events[{hole}]", $"events[{hole}] must be an event object, not null.");
        var results = new List<BatchItemResult>(batch.Events.Count);
        foreach (var delivered in batch.Events)
        {
            try
            {
                var outcome = await mediator.Send(new IngestEvent(delivered), ct);
                results.Add(new BatchItemResult(delivered.EventId, StatusCodes.Status200OK, outcome, null));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                var problem = ExceptionProblems.ToProblem(e, dialect);
                if (problem is null) Failed(e, delivered.EventId);
                problem ??= new ProblemDetails
                {
                    Status = 500, Type = Problems.Type("internal"), Title = "Internal error",
                    Detail = "The event could not be processed; retry it.",
                };
                // As every problem the service writes: the request's trace id, to find it in the logs.
                problem.Extensions["traceId"] = System.Diagnostics.Activity.Current?.Id ?? traceIdentifier;
                results.Add(new BatchItemResult(delivered.EventId, problem.Status!.Value, null, problem));
            }
        }
        return new ListOf<BatchItemResult>(results);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {EventId} of a batch failed")]
    private partial void Failed(Exception exception, string eventId);
}
