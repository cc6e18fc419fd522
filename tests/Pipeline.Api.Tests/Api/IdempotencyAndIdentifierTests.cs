using System.Net.Http.Json;
using Pipeline.Api.Opportunities;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// Idempotency-Key on creating POSTs, and identifiers compared byte for byte: every engine must see the same
/// strings, so white space at either end and invisible characters are refused before they reach a database.
/// </summary>
public sealed class IdempotencyAndIdentifierTests(DatabaseProvider provider) : ApiTest(provider)
{
    [Test]
    public async Task TheSameKeyAgain_ReturnsTheFirstAnswerByteForByte_AndCreatesNothingMore()
    {
        var first = await CreateStageAsync(Api, "Relance", "stage-relance");
        var again = await CreateStageAsync(Api, "Relance", "stage-relance");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        Assert.That((again.StatusCode, again.Headers.Location, again.Headers.ETag), Is.EqualTo((first.StatusCode, first.Headers.Location, first.Headers.ETag)));
        Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That((await Api.StagesAsync()).Count(s => s.Name == "Relance"), Is.EqualTo(1));
    }

    [Test]
    public async Task TheSameRequestReserialised_IsTheSameRequest()
    {
        var first = await PostRawAsync("""{"name":"Véranda","expectedRevenue":100}""", "reserialised");
        var again = await PostRawAsync("""{"expectedRevenue":100.00,"name":"Véranda"}""", "reserialised");

        Assert.That((first.StatusCode, again.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(await again.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
    }

    private Task<HttpResponseMessage> PostRawAsync(string body, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/opportunities")
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);
        return Api.Http.SendAsync(request);
    }

    [Test]
    public async Task TheSameKeyWithAnotherRequest_Returns422_AndCreatesNothing()
    {
        await CreateStageAsync(Api, "Relance", "k-1");
        var other = await CreateStageAsync(Api, "Métré", "k-1");

        await ProblemAsync(other, HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        Assert.That((await Api.StagesAsync()).Select(s => s.Name), Does.Not.Contain("Métré"));
    }

    [Test]
    public async Task AKeyBelongsToItsTenant()
    {
        var other = As($"t-{Guid.NewGuid():N}", "pipeline.admin");

        var mine = await CreateStageAsync(Api, "Relance", "shared-key");
        var theirs = await CreateStageAsync(other, "Relance", "shared-key");

        Assert.That((mine.StatusCode, theirs.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)));
        Assert.That(theirs.Headers.Location, Is.Not.EqualTo(mine.Headers.Location));
    }

    [TestCase("trailing ")]
    [TestCase(" leading")]
    [TestCase("tab\there")]
    [TestCase("zero\u200bwidth")]
    public async Task AKeyWithWhiteSpaceAtItsEndsOrInvisibleCharacters_Returns400(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/opportunities") { Content = JsonContent.Create(new { name = "X" }) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        await ProblemAsync(await Api.Http.SendAsync(request), HttpStatusCode.BadRequest, "validation");
        Assert.That((await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync("/api/v1/opportunities"))).Items, Is.Empty);
    }

    [TestCase("ref ")]
    [TestCase(" ref")]
    [TestCase("r\u0000f")]
    public async Task AnExternalRefThatAnotherEngineWouldCompareDifferently_Returns400(string reference)
    {
        var response = await Api.PostAsync("/api/v1/opportunities", new { name = "X", externalRef = reference });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.That(problem["errors"]!.ToJsonString(), Does.Contain("externalRef"));
        Assert.That((await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync("/api/v1/opportunities"))).Items, Is.Empty);
    }

    [Test]
    public async Task AnEventIdWithATrailingSpace_Returns400_AndRecordsNothing()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Toiture" });

        var response = await Api.PostAsync("/api/v1/events",
            new { eventId = "devis-1 ", type = "quote.issued", opportunityId = opportunity.Id, occurredAt = "2026-11-29T09:30:00Z" });

        await ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Version, Is.EqualTo(1));
    }

    private static IEnumerable<TestCaseData> BadTenantClaims()
    {
        yield return new TestCaseData((object)$"acme-{Guid.NewGuid():N} ").SetName("ATenantWithATrailingSpace_Returns403");
        yield return new TestCaseData((object)new[] { "acme", "other" }).SetName("ATenantArrayClaim_Returns403");
        yield return new TestCaseData((object)new Dictionary<string, object> { ["id"] = "acme" }).SetName("ATenantObjectClaim_Returns403");
    }

    [TestCaseSource(nameof(BadTenantClaims))]
    public async Task ATenantClaimThatIsNotOnePlainIdentifier_Returns403(object tenant)
    {
        var client = App.WithToken(Tokens.Create(tenant, ["pipeline.admin"]));

        await ProblemAsync(await client.GetAsync("/api/v1/stages"), HttpStatusCode.Forbidden, "forbidden");
    }

    private static Task<HttpResponseMessage> CreateStageAsync(TenantClient client, string name, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/stages") { Content = JsonContent.Create(new { name }) };
        request.Headers.Add("Idempotency-Key", key);
        return client.Http.SendAsync(request);
    }
}
