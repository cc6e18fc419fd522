using System.Text;

namespace Pipeline.Api.Tests.Api;

/// <summary>Whatever a caller sends, the answer is a 4xx problem and nothing changes.</summary>
public sealed class BadInputTests(DatabaseProvider provider) : ApiTest(provider)
{
    private static IEnumerable<TestCaseData> BadStageBodies()
    {
        yield return new TestCaseData("{\"name\": \"Ok\", \"isClosing\": true}", "isClosing").SetName("Create_WithAnUnknownMember");
        yield return new TestCaseData("{\"name\": \"Ok\"", null).SetName("Create_WithMalformedJson");
        yield return new TestCaseData("{\"name\": 12}", "name").SetName("Create_WithAWrongType");
        yield return new TestCaseData("{\"name\": null}", "name").SetName("Create_WithANullName");
        yield return new TestCaseData("{}", null).SetName("Create_WithoutAName");
        yield return new TestCaseData("{\"name\": \"   \"}", "name").SetName("Create_WithABlankName");
        yield return new TestCaseData($"{{\"name\": \"{new string('x', 101)}\"}}", "name").SetName("Create_WithATooLongName");
        yield return new TestCaseData("{\"name\": \"Ok\", \"probability\": 100.5}", "probability").SetName("Create_WithAProbabilityOver100");
        yield return new TestCaseData("{\"name\": \"Ok\", \"probability\": -1}", "probability").SetName("Create_WithANegativeProbability");
        yield return new TestCaseData("{\"name\": \"Ok\", \"probability\": 12.345}", "probability").SetName("Create_WithThreeDecimals");
        yield return new TestCaseData("{\"name\": \"Ok\", \"probability\": \"50\"}", "probability").SetName("Create_WithANumberInAString");
        yield return new TestCaseData("{\"name\": \"Ok\", \"position\": 0}", "position").SetName("Create_AtPositionZero");
        yield return new TestCaseData("[1, 2]", null).SetName("Create_WithAnArray");
    }

    [TestCaseSource(nameof(BadStageBodies))]
    public async Task BadStageBody_Returns400Problem_AndCreatesNothing(string body, string? field)
    {
        var problem = await ProblemAsync(await Api.PostAsync("/api/v1/stages", body), HttpStatusCode.BadRequest, "validation");

        if (field is not null) Assert.That(problem["errors"]?[field], Is.Not.Null, problem.ToJsonString());
        Assert.That(await Api.StagesAsync(), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task EveryBadFieldIsListed()
    {
        var problem = await ProblemAsync(await Api.PostAsync("/api/v1/opportunities", new { name = "", expectedRevenue = -3, probability = 150 }),
            HttpStatusCode.BadRequest, "validation");

        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EquivalentTo(new[] { "name", "expectedRevenue", "probability" }));
    }

    [TestCase("/api/v1/opportunities/{0}/move", "{\"stageId\": 1, \"outcome\": \"maybe\"}")]
    [TestCase("/api/v1/opportunities/{0}/move", "{\"stageId\": 1, \"outcome\": 1}")]
    [TestCase("/api/v1/opportunities/{0}/move", "{}")]
    [TestCase("/api/v1/opportunities/{0}/lost", "{\"reason\": \"\"}")]
    [TestCase("/api/v1/opportunities/{0}/reopen", "{\"stageId\": \"x\"}")]
    public async Task BadOpportunityBody_Returns400_AndMovesNothing(string path, string body)
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Intact" });

        await ProblemAsync(await Api.PostAsync(string.Format(path, opportunity.Id), body), HttpStatusCode.BadRequest, "validation");

        Assert.That(await Api.OpportunityAsync(opportunity.Id), Is.EqualTo(opportunity));
    }

    [TestCase("limit=0")]
    [TestCase("limit=101")]
    [TestCase("cursor=not-a-cursor")]
    [TestCase("limit=abc")]
    [TestCase("outcome=pending")]
    public async Task BadListParameters_Return400(string query)
    {
        await ProblemAsync(await Api.GetAsync($"/api/v1/opportunities?{query}"), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task AHugeBody_IsRefusedWithA4xx_AndCreatesNothing()
    {
        // Kestrel caps bodies at 256 KB in production; the in-memory test server has no such cap, so this checks
        // that a huge value still gets a 4xx problem, not a 500.
        var huge = $"{{\"name\": \"{new string('x', 300_000)}\"}}";

        var response = await Api.Http.PostAsync("/api/v1/stages", new StringContent(huge, Encoding.UTF8, "application/json"));

        Assert.That((int)response.StatusCode, Is.InRange(400, 499));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That(await Api.StagesAsync(), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task UnknownRoutesAndIds_Return404Problems()
    {
        await ProblemAsync(await Api.GetAsync("/api/v1/stages/999999999"), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await Api.GetAsync("/api/v1/opportunities/999999999/history"), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await Api.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task AWrongContentType_Returns415Problem()
    {
        var response = await Api.Http.PostAsync("/api/v1/stages", new StringContent("name=x", Encoding.UTF8, "text/plain"));

        await ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");
    }
}
