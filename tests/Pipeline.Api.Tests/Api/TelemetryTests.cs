using System.Diagnostics.Metrics;
using Pipeline.Api.Automation;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Tests.Api;

public sealed class TelemetryTests(DatabaseProvider provider) : ApiTest(provider)
{
    [Test]
    public async Task ARequestsTraceId_IsInItsProblemDetails_AndInItsLogLines()
    {
        var closing = await Api.StageAsync("Gagné / Perdu");

        var problem = await ProblemAsync(await Api.DeleteAsync($"/api/v1/stages/{closing.Id}"), HttpStatusCode.Conflict, "closing-stage");

        var traceId = ((string)problem["traceId"]!).Split('-')[1];
        Assert.That(traceId, Has.Length.EqualTo(32));
        var lines = App.Logs.Entries.Where(e => Equals(e.Scope.GetValueOrDefault("TraceId")?.ToString(), traceId)).ToList();
        Assert.That(lines.Select(l => l.Message), Has.Some.Contains("DeleteStage").And.Some.Contains("409"));
    }

    [Test]
    public async Task EveryCommand_IsASpan_WithItsNameTenantAndOutcome()
    {
        using var spans = new Spans(CommandTelemetry.Name);

        await Api.CreateStageAsync(new { name = "Tracée" });
        await Api.PostAsync("/api/v1/stages", new { name = "Tracée" });

        var commands = spans.Stopped.Where(s => (string?)s.GetTagItem("pipeline.tenant") == Tenant).Select(s => ((string?)s.GetTagItem("pipeline.command"), (string?)s.GetTagItem("pipeline.outcome")));
        Assert.That(commands, Is.EqualTo(new (string?, string?)[] { ("ProvisionTenant", "ok"), ("CreateStage", "ok"), ("CreateStage", "RuleViolationException") }));
    }

    [Test]
    public async Task Events_AreCountedByOutcomeAndReason()
    {
        var counts = new List<(long Value, string Outcome, string Reason)>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, l) => { if (instrument.Meter.Name == AutomationTelemetry.MeterName) l.EnableMeasurementEvents(instrument); };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var t = tags.ToArray().ToDictionary(x => x.Key, x => x.Value?.ToString());
            lock (counts) counts.Add((value, t["outcome"]!, t["reason"]!));
        });
        meters.Start();
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Compté" });
        var occurredAt = DateTimeOffset.UtcNow;
        object Event(string id, string type) => new { eventId = id, type, opportunityId = opportunity.Id, occurredAt };

        await Api.PostAsync("/api/v1/events", Event($"{Tenant}-1", "quote.issued"));
        await Api.PostAsync("/api/v1/events", Event($"{Tenant}-1", "quote.issued"));
        await Api.PostAsync("/api/v1/events", Event($"{Tenant}-2", "estimate.generated"));

        Assert.That(counts, Is.EquivalentTo(new[] { (1L, "moved", "none"), (1L, "replayed", "none"), (1L, "ignored", "target_not_forward") }));
    }
}
