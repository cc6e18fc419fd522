using System.Text.Json.Nodes;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Api;

/// <summary>The classes of failure an outside attack found (issue #10), each through HTTP: status, problem type, nothing changed.</summary>
public sealed class HardeningTests(DatabaseProvider provider) : ApiTest(provider)
{
    private static readonly string[] DotNetWords = ["Pipeline.", "System.", "Nullable", "constructor", "Consider ", "CLR", "`1"];

    [Test]
    public async Task ABatchWithANullEvent_Returns400_AndAppliesNoEventOfIt()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Toiture" });
        var valid = $$"""{"eventId":"e-1","type":"quote.issued","opportunityId":{{opportunity.Id}},"occurredAt":"2026-11-29T09:30:00Z"}""";

        var response = await Api.PostAsync("/api/v1/events/batch", $$"""{"events":[{{valid}}, null]}""");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem["errors"]!["events[1]"], Is.Not.Null);
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Version, Is.EqualTo(1), "the valid event before it was not applied");
        Assert.That(await Api.HistoryAsync(opportunity.Id), Has.Count.EqualTo(1));
    }

    [TestCase("/api/v1/stages", "[]", "body")]
    [TestCase("/api/v1/stages", """{"name": null}""", "name")]
    [TestCase("/api/v1/stages", """{"name": "a", "teamId": "x"}""", "teamId")]
    [TestCase("/api/v1/stages", """{"name": "a", "probability": "50"}""", "probability")]
    [TestCase("/api/v1/stages", """{"name": "a", "isClosing": true}""", "isClosing")]
    [TestCase("/api/v1/stages", """{"name": "a", "position": 1.5}""", "position")]
    [TestCase("/api/v1/opportunities", """{"name": "a", "expectedRevenue": {}}""", "expectedRevenue")]
    [TestCase("/api/v1/events/batch", """{"events": [{"eventId": "e", "type": "quote.issued", "opportunityId": 1, "occurredAt": 5}]}""", "events[0].occurredAt")]
    [TestCase("/api/v1/events", """{"eventId": "e", "type": "quote.issued", "opportunityId": 1, "occurredAt": "2026-11-29T09:30:00"}""", "occurredAt")]
    [TestCase("/api/v1/stages/order", """{"stageIds": [1, "two"]}""", "stageIds[1]")]
    public async Task ABadBody_Returns400_InTheApisVocabulary_AndChangesNothing(string url, string body, string field)
    {
        var response = await Api.PostOrPutAsync(url, body);

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        var text = problem.ToJsonString();
        Assert.That(problem["errors"]![field], Is.Not.Null, text);
        Assert.That(DotNetWords.Where(w => text.Contains(w, StringComparison.Ordinal)), Is.Empty, text);
        Assert.That(await Api.StagesAsync(), Has.Count.EqualTo(5));
    }

    [TestCase("forecast?teamId=x", "teamId")]
    [TestCase("forecast?from=2026-01-01T00:00:00", "from")]
    [TestCase("conversion?to=2026-01-01", "to")]
    public async Task ABadQuery_Returns400_InTheApisVocabulary(string query, string field)
    {
        var problem = await ProblemAsync(await Api.GetAsync($"/api/v1/reports/{query}"), HttpStatusCode.BadRequest, "validation");

        Assert.That(problem["errors"]![field], Is.Not.Null, problem.ToJsonString());
        Assert.That(DotNetWords.Where(w => problem.ToJsonString().Contains(w, StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public async Task AnEventResentWithItsJsonReserialised_IsTheSameEvent()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Toiture" });
        var first = await Api.PostAsync("/api/v1/events", """
            {"eventId":"devis-7","type":"quote.issued","opportunityId":OPP,"occurredAt":"2026-11-29T10:30:00+01:00",
             "data":{"amount":100,"quote":{"n":"D-7","lines":[1,2]}}}
            """.Replace("OPP", opportunity.Id.ToString()));
        var again = await Api.PostAsync("/api/v1/events", """
            {"data":{"quote":{"lines":[1.0,2e0],"n":"D-7"},"amount":100.00},"occurredAt":"2026-11-29T09:30:00Z",
             "opportunityId":OPP,"type":"quote.issued","eventId":"devis-7"}
            """.Replace("OPP", opportunity.Id.ToString()));
        var changed = await Api.PostAsync("/api/v1/events", new
        {
            eventId = "devis-7", type = "quote.issued", opportunityId = opportunity.Id, occurredAt = "2026-11-29T09:30:00Z", data = new { amount = 101 },
        });

        Assert.That((first.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.OK, HttpStatusCode.OK)), await again.Content.ReadAsStringAsync());
        Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        await ProblemAsync(changed, HttpStatusCode.UnprocessableEntity, "event-id-reused");
    }

    [TestCase("\u200b", TestName = "AZeroWidthName_Returns400")]
    [TestCase("Devis\u200b", TestName = "ANameWithAnInvisibleCharacter_Returns400")]
    [TestCase("Devis\u0000", TestName = "ANameWithAControlCharacter_Returns400")]
    [TestCase("  ", TestName = "ABlankName_Returns400")]
    public async Task ANameThatLooksBlankOrDoubled_Returns400_AndCreatesNothing(string name)
    {
        var response = await Api.PostAsync("/api/v1/stages", new { name });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem["errors"]!["name"], Is.Not.Null);
        Assert.That(await Api.StagesAsync(), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task NamesAreStoredInNfc_AndCompareAfterNormalisationAndCaseFolding()
    {
        var etape = await Api.CreateStageAsync(new { name = "E\u0301tape" });

        Assert.That(etape.Name, Is.EqualTo("Étape"));
        await ProblemAsync(await Api.PostAsync("/api/v1/stages", new { name = "étape" }), HttpStatusCode.Conflict, "duplicate-stage-name");
        await ProblemAsync(await Api.PostAsync("/api/v1/stages", new { name = "devis" }), HttpStatusCode.Conflict, "duplicate-stage-name");
        var lost = await Api.PostAsync($"/api/v1/opportunities/{(await Api.CreateOpportunityAsync(new { name = "X" })).Id}/lost", new { reason = "Prix\u0007" });
        await ProblemAsync(lost, HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task TheClosingStage_StaysTheLastColumn()
    {
        var far = await Api.CreateStageAsync(new { name = "Loin", position = 1000 });
        var stages = await Api.StagesAsync();
        Assert.That(stages[^1].IsClosing, Is.True);
        Assert.That(stages[^2].Id, Is.EqualTo(far.Id), "a position past the closing stage lands just before it");

        var closingFirst = stages.Where(s => s.IsClosing).Concat(stages.Where(s => !s.IsClosing)).Select(s => s.Id).ToArray();
        var reorder = await Api.PutAsync("/api/v1/stages/order", new { stageIds = closingFirst });

        await ProblemAsync(reorder, HttpStatusCode.UnprocessableEntity, "closing-stage-last");
        Assert.That((await Api.StagesAsync()).Select(s => s.Id), Is.EqualTo(stages.Select(s => s.Id)));
    }

    [Test]
    public async Task AnIfMatchThatIsNoEntityTag_Returns400Problem_AndChangesNothing()
    {
        var devis = await Api.StageAsync("Devis");

        var response = await Api.PutAsync($"/api/v1/stages/{devis.Id}/name", new { name = "Devis envoyé" }, ifMatch: "é");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.That((string?)problem["traceId"], Is.Not.Empty);
        Assert.That((await Api.StageAsync("Devis")).Version, Is.EqualTo(devis.Version));
    }
}
