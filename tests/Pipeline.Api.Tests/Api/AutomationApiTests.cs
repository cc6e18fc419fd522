using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Api.Automation;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Tests.Api;

public sealed class AutomationApiTests(DatabaseProvider provider) : ApiTest(provider)
{
    private static object Event(string eventId, string type, long opportunityId, object? data = null) =>
        data is null
            ? new { eventId, type, opportunityId, occurredAt = "2026-11-29T09:30:00Z" }
            : new { eventId, type, opportunityId, occurredAt = "2026-11-29T09:30:00Z", data };

    private async Task<EventOutcome> SendAsync(object e) => await ReadAsync<EventOutcome>(await Api.PostAsync("/api/v1/events", e));

    private async Task<List<AutomationRuleDto>> RulesAsync() => (await ReadAsync<Page<AutomationRuleDto>>(await Api.GetAsync("/api/v1/automation-rules"))).Items;

    [Test]
    public async Task ANewTenant_HasTheFourDefaultRules_ForwardOnly()
    {
        var stages = (await Api.StagesAsync()).ToDictionary(s => s.Id, s => s.Name);

        var rules = await RulesAsync();

        Assert.That(rules.Select(r => (r.EventType, stages[r.TargetStageId], r.ForwardOnly, r.Enabled, r.TeamId)), Is.EqualTo(new[]
        {
            ("estimate.generated", "Estimation", true, true, (long?)null),
            ("technical_visit.scheduled", "Visite Technique", true, true, null),
            ("technical_visit.completed", "Visite Technique", true, true, null),
            ("quote.issued", "Devis", true, true, null),
        }));
    }

    [Test]
    public async Task QuoteIssued_MovesToDevis_ThenAnEstimateLeavesItThere_AndAWonOneNeverMoves()
    {
        var devis = await Api.StageAsync("Devis");
        var nouveau = await Api.StageAsync("Nouveau");
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Extension maison" });
        var quoteRule = (await RulesAsync()).Single(r => r.EventType == "quote.issued");

        var moved = await SendAsync(Event("q-1", "quote.issued", opportunity.Id, new { quoteNumber = "D-1" }));
        var notBack = await SendAsync(Event("e-1", "estimate.generated", opportunity.Id));
        await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/won");
        var closed = await SendAsync(Event("vt-1", "technical_visit.scheduled", opportunity.Id));

        Assert.That(moved, Is.EqualTo(new EventOutcome("q-1", EventResult.Moved, null, opportunity.Id, quoteRule.Id, nouveau.Id, devis.Id, 80m)));
        Assert.That((notBack.Outcome, notBack.Reason), Is.EqualTo((EventResult.Ignored, (IgnoredReason?)IgnoredReason.TargetNotForward)));
        Assert.That((closed.Outcome, closed.Reason), Is.EqualTo((EventResult.Ignored, (IgnoredReason?)IgnoredReason.OpportunityClosed)));
        var history = await Api.HistoryAsync(opportunity.Id);
        var automation = history.Single(h => h.Cause == HistoryCause.Automation);
        Assert.That((automation.RuleId, automation.EventId, automation.FromStageName, automation.ToStageName, automation.ProbabilityAfter),
            Is.EqualTo(((long?)quoteRule.Id, "q-1", "Nouveau", "Devis", 80m)));
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Outcome, Is.EqualTo(Outcome.Won));
    }

    [Test]
    public async Task IgnoredEvents_SayWhy()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Toit", teamId = 5 });
        var teamStage = await Api.CreateStageAsync(new { name = "Relance équipe 6", teamId = 6 });
        var disabled = (await RulesAsync()).Single(r => r.EventType == "technical_visit.completed");
        await Api.PutAsync($"/api/v1/automation-rules/{disabled.Id}", new { eventType = disabled.EventType, targetStageId = disabled.TargetStageId, enabled = false });
        await Api.PostAsync("/api/v1/automation-rules", new { eventType = "email.sent", targetStageId = teamStage.Id, teamId = 6 });
        await Api.PostAsync("/api/v1/automation-rules", new { eventType = "call.logged", targetStageId = teamStage.Id, teamId = (long?)null });

        var none = await SendAsync(Event("a", "invoice.paid", opportunity.Id));
        var off = await SendAsync(Event("b", "technical_visit.completed", opportunity.Id));
        var otherTeam = await SendAsync(Event("c", "email.sent", opportunity.Id));

        Assert.That(none.Reason, Is.EqualTo(IgnoredReason.NoMatchingRule));
        Assert.That((off.Reason, off.RuleId), Is.EqualTo(((IgnoredReason?)IgnoredReason.RuleDisabled, (long?)disabled.Id)));
        Assert.That(otherTeam.Reason, Is.EqualTo(IgnoredReason.NoMatchingRule), "a team-6 rule does not see team 5's opportunities");
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task ARuleForEveryTeam_CannotTargetATeamsStage()
    {
        var teamStage = await Api.CreateStageAsync(new { name = "Métré équipe 6", teamId = 6 });

        await ProblemAsync(await Api.PostAsync("/api/v1/automation-rules", new { eventType = "call.logged", targetStageId = teamStage.Id }),
            HttpStatusCode.UnprocessableEntity, "invalid-rule-target");
        await ProblemAsync(await Api.PostAsync("/api/v1/automation-rules", new { eventType = "call.logged", targetStageId = teamStage.Id, teamId = 7 }),
            HttpStatusCode.UnprocessableEntity, "invalid-rule-target");
        var created = await Api.PostAsync("/api/v1/automation-rules", new { eventType = "call.logged", targetStageId = teamStage.Id, teamId = 6 });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task GivingAStageToATeam_WhileARuleForEveryTeamTargetsIt_Returns409()
    {
        var devis = await Api.StageAsync("Devis");

        var problem = await ProblemAsync(await Api.PatchAsync($"/api/v1/stages/{devis.Id}", new { teamId = 3 }), HttpStatusCode.Conflict, "stage-targeted-by-rules");

        var quoteRule = (await RulesAsync()).Single(r => r.EventType == "quote.issued");
        Assert.That(problem["ruleIds"]!.AsArray().Select(n => (long)n!), Is.EqualTo(new[] { quoteRule.Id }));
        Assert.That((await Api.StageAsync("Devis")).TeamId, Is.Null);
    }

    [TestCase("Quote.Issued")]
    [TestCase("quote")]
    [TestCase("quote..issued")]
    [TestCase("quote.issued!")]
    public async Task ABadEventType_Returns400(string eventType)
    {
        var devis = await Api.StageAsync("Devis");

        var problem = await ProblemAsync(await Api.PostAsync("/api/v1/automation-rules", new { eventType, targetStageId = devis.Id }), HttpStatusCode.BadRequest, "validation");

        Assert.That(problem["errors"]?["eventType"], Is.Not.Null);
        Assert.That(await RulesAsync(), Has.Count.EqualTo(4));
    }

    [Test]
    public async Task Rules_AreUpdatedWithIfMatch_DeletedAndReordered()
    {
        var rules = await RulesAsync();
        var visite = await Api.StageAsync("Visite Technique");
        var first = rules[0];

        var updated = await ReadAsync<AutomationRuleDto>(await Api.PutAsync($"/api/v1/automation-rules/{first.Id}",
            new { eventType = "estimate.sent", targetStageId = visite.Id, forwardOnly = false }, ifMatch: "\"1\""));
        await ProblemAsync(await Api.PutAsync($"/api/v1/automation-rules/{first.Id}", new { eventType = "x.y", targetStageId = visite.Id }, ifMatch: "\"1\""),
            HttpStatusCode.PreconditionFailed, "precondition-failed");
        var reversed = rules.Select(r => r.Id).Reverse().ToList();
        var reordered = await ReadAsync<Page<AutomationRuleDto>>(await Api.PutAsync("/api/v1/automation-rules/order", new { ruleIds = reversed }));
        await ProblemAsync(await Api.PutAsync("/api/v1/automation-rules/order", new { ruleIds = reversed.Skip(1) }), HttpStatusCode.UnprocessableEntity, "order-mismatch");

        Assert.That((updated.EventType, updated.TargetStageId, updated.ForwardOnly, updated.Version), Is.EqualTo(("estimate.sent", visite.Id, false, 2L)));
        Assert.That(reordered.Items.Select(r => r.Id), Is.EqualTo(reversed));
        Assert.That((await RulesAsync()).Select(r => r.Id), Is.EqualTo(reversed));
        Assert.That((await Api.DeleteAsync($"/api/v1/automation-rules/{first.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAsync(await Api.GetAsync($"/api/v1/automation-rules/{first.Id}"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task AReplay_ReturnsTheSameBytes_AndAReusedIdWithAnotherPayload_Returns422()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Isolation" });
        var quote = Event("quote-77", "quote.issued", opportunity.Id, new { quoteNumber = "D-77" });

        var first = await (await Api.PostAsync("/api/v1/events", quote)).Content.ReadAsStringAsync();
        var replay = await Api.PostAsync("/api/v1/events", quote);
        var reused = await Api.PostAsync("/api/v1/events", Event("quote-77", "quote.issued", opportunity.Id, new { quoteNumber = "D-78" }));

        Assert.That(replay.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await replay.Content.ReadAsStringAsync(), Is.EqualTo(first));
        await ProblemAsync(reused, HttpStatusCode.UnprocessableEntity, "event-id-reused");
        Assert.That((await Api.HistoryAsync(opportunity.Id)).Count(h => h.Cause == HistoryCause.Automation), Is.EqualTo(1));
    }

    [Test]
    public async Task TenConcurrentDeliveriesOfOneEvent_MoveOnce_AnswerAlike_AndRecordOneHistoryEntry()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Maison passive" });
        var quote = Event("quote-concurrent", "quote.issued", opportunity.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Api.PostAsync("/api/v1/events", quote)));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.OK), string.Join("\n", bodies));
        Assert.That(bodies.Distinct().Count(), Is.EqualTo(1), string.Join("\n", bodies));
        Assert.That((await Api.HistoryAsync(opportunity.Id)).Count(h => h.Cause == HistoryCause.Automation), Is.EqualTo(1));
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Version, Is.EqualTo(2));
    }

    [Test]
    public async Task AnEventForAnUnknownOpportunity_Returns404_AndIsNotRecorded()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Arrive plus tard" });

        await ProblemAsync(await Api.PostAsync("/api/v1/events", Event("early", "quote.issued", 987_654_321)), HttpStatusCode.NotFound, "not-found");
        var later = await SendAsync(Event("early", "quote.issued", opportunity.Id));

        Assert.That(later.Outcome, Is.EqualTo(EventResult.Moved), "the 404 recorded nothing, so the same event id is free");
    }

    [Test]
    public async Task AReadToken_CannotReportEvents_AWriteTokenCan_ButCannotManageRules()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Scopes" });

        await ProblemAsync(await As(Tenant, "pipeline.read").PostAsync("/api/v1/events", Event("s-1", "quote.issued", opportunity.Id)), HttpStatusCode.Forbidden, "forbidden");
        var writer = As(Tenant, "pipeline.write");
        Assert.That((await writer.PostAsync("/api/v1/events", Event("s-1", "quote.issued", opportunity.Id))).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await ProblemAsync(await writer.PostAsync("/api/v1/automation-rules", new { eventType = "a.b", targetStageId = opportunity.StageId }), HttpStatusCode.Forbidden, "forbidden");
    }

    [Test]
    public async Task ABatch_AnswersEachEventOnItsOwn()
    {
        var a = await Api.CreateOpportunityAsync(new { name = "A" });
        var b = await Api.CreateOpportunityAsync(new { name = "B" });

        var batch = await ReadAsync<Page<BatchItemResult>>(await Api.PostAsync("/api/v1/events/batch", new
        {
            events = new[]
            {
                Event("b-1", "technical_visit.scheduled", a.Id),
                Event("b-2", "quote.issued", 987_654_321),
                Event("b-3", "quote.issued", b.Id),
                Event("b-1", "technical_visit.scheduled", a.Id),
            },
        }));

        Assert.That(batch.Items.Select(i => (i.EventId, i.Status, i.Result?.Outcome)), Is.EqualTo(new[]
        {
            ("b-1", 200, (EventResult?)EventResult.Moved),
            ("b-2", 404, null),
            ("b-3", 200, EventResult.Moved),
            ("b-1", 200, EventResult.Moved),
        }));
        Assert.That(batch.Items[1].Problem?.Type, Is.EqualTo("https://docs.openfire.fr/pipeline/problems/not-found"));
        Assert.That((await Api.OpportunityAsync(a.Id)).Probability, Is.EqualTo(50m));
        Assert.That((await Api.OpportunityAsync(b.Id)).Probability, Is.EqualTo(80m));
    }

    [TestCase("{\"eventId\": \"x\", \"type\": \"quote.issued\", \"opportunityId\": 1}", TestName = "An event without occurredAt")]
    [TestCase("{\"eventId\": \"\", \"type\": \"quote.issued\", \"opportunityId\": 1, \"occurredAt\": \"2026-11-29T09:30:00Z\"}", TestName = "An event with an empty id")]
    [TestCase("{\"eventId\": \"x\", \"type\": \"QUOTE\", \"opportunityId\": 1, \"occurredAt\": \"2026-11-29T09:30:00Z\"}", TestName = "An event with a bad type")]
    [TestCase("{\"eventId\": \"x\", \"type\": \"quote.issued\", \"opportunityId\": 1, \"occurredAt\": \"yesterday\"}", TestName = "An event with a bad date")]
    [TestCase("{\"eventId\": \"x\", \"type\": \"quote.issued\", \"opportunityId\": 1, \"occurredAt\": \"2026-11-29T09:30:00Z\", \"data\": [1]}", TestName = "An event whose data is not an object")]
    [TestCase("{\"eventId\": \"x\", \"type\": \"quote.issued\", \"opportunityId\": 1, \"occurredAt\": \"2026-11-29T09:30:00Z\", \"extra\": 1}", TestName = "An event with an unknown member")]
    public async Task ABadEvent_Returns400(string body)
    {
        await ProblemAsync(await Api.PostAsync("/api/v1/events", body), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task ThePurge_ForgetsEventsPastTheirRetention_AndOnlyThose()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Ancien" });
        await SendAsync(Event("old-event", "estimate.generated", opportunity.Id));
        var dialect = (ISqlDialect)App.Services.GetService(typeof(ISqlDialect))!;
        var today = new InboxPurger(dialect, TimeProvider.System, Options.Create(new AutomationOptions()), NullLogger<InboxPurger>.Instance);
        var inEightDays = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(8));
        var later = new InboxPurger(dialect, inEightDays, Options.Create(new AutomationOptions { PurgeBatchSize = 2 }), NullLogger<InboxPurger>.Instance);

        await today.PurgeAsync(CancellationToken.None);
        await ProblemAsync(await Api.PostAsync("/api/v1/events", Event("old-event", "estimate.generated", opportunity.Id, new { changed = true })),
            HttpStatusCode.UnprocessableEntity, "event-id-reused");
        var purged = await later.PurgeAsync(CancellationToken.None);
        var afterPurge = await Api.PostAsync("/api/v1/events", Event("old-event", "estimate.generated", opportunity.Id, new { changed = true }));

        Assert.That(purged, Is.GreaterThanOrEqualTo(1));
        Assert.That(afterPurge.StatusCode, Is.EqualTo(HttpStatusCode.OK), "past its retention, the event id is forgotten");
    }
}
