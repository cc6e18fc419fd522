using System.Net.Http.Json;

namespace Pipeline.Api.Tests.Api;

public sealed class SecurityTests(DatabaseProvider provider) : ApiTest(provider)
{
    private static readonly string[] AnonymousPaths = ["/health/live", "/health/ready", "/swagger/index.html", "/swagger/v1/swagger.json"];

    [Test]
    public async Task HealthAndSwagger_AreAnonymous()
    {
        var anonymous = App.WithToken(null);
        foreach (var path in AnonymousPaths)
            Assert.That((await anonymous.GetAsync(path)).StatusCode, Is.EqualTo(HttpStatusCode.OK), path);
    }

    [Test]
    public async Task Ready_ReportsTheDatabaseAndItsMigrations()
    {
        var body = await (await App.WithToken(null).GetAsync("/health/ready")).Content.ReadAsStringAsync();

        var report = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        Assert.That((string?)report["status"], Is.EqualTo("Healthy"), body);
        var data = report["checks"]!["database"]!["data"]!;
        Assert.That((string?)data["provider"], Is.EqualTo(App.Provider.ToString()));
        Assert.That((long)data["migrationsApplied"]!, Is.EqualTo((long)data["migrationsExpected"]!).And.GreaterThanOrEqualTo(3));
    }

    [TestCase("none", "No bearer token", null)]
    [TestCase("wrong-audience", "audience", "invalid_token")]
    [TestCase("expired", "expired", "invalid_token")]
    [TestCase("wrong-key", "signature", "invalid_token")]
    [TestCase("garbage", "well-formed", "invalid_token")]
    public async Task ABadOrMissingToken_Returns401Problem_ThatSaysWhy(string kind, string why, string? error)
    {
        var token = kind switch
        {
            "none" => null,
            "wrong-audience" => Tokens.Create(Tenant, ["pipeline.admin"], audience: "another-api"),
            "expired" => Tokens.Create(Tenant, ["pipeline.admin"], lifetime: TimeSpan.FromMinutes(-10)),
            "garbage" => "not-a-jwt",
            _ => Tokens.Create(Tenant, ["pipeline.admin"], key: new byte[32]),
        };

        var response = await App.WithToken(token).GetAsync("/api/v1/stages");

        var problem = await ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.That((string?)problem["detail"], Does.Contain(why));
        Assert.That((string?)problem["detail"], Does.Not.Contain(Tokens.KeyBase64).And.Not.Contain(token ?? "-"));
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.That(challenge.Scheme, Is.EqualTo("Bearer"));
        Assert.That(challenge.Parameter ?? "", error is null ? Is.Empty : Does.Contain($"error=\"{error}\""));
        if (kind is "expired" or "wrong-audience" or "wrong-key") Assert.That(challenge.Parameter, Does.Contain("error_description="));
    }

    [Test]
    public async Task AReadOnlyToken_CanReadButNotWrite()
    {
        var reader = As(Tenant, "pipeline.read");

        Assert.That((await reader.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var refused = await ProblemAsync(await reader.PostAsync("/api/v1/opportunities", new { name = "Interdit" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.That((string?)refused["detail"], Is.EqualTo("The token does not grant 'pipeline.write' or a scope above it, which this operation needs."));
        refused = await ProblemAsync(await reader.PostAsync("/api/v1/stages", new { name = "Interdit" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.That((string?)refused["detail"], Is.EqualTo("The token does not grant 'pipeline.admin', which this operation needs."));
        Assert.That((await reader.GetAsync("/api/v1/opportunities")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await ReadAsync<Page<object>>(await reader.GetAsync("/api/v1/opportunities"))).Items, Is.Empty);
    }

    [Test]
    public async Task AWriteToken_ManagesOpportunitiesButNotStages()
    {
        var writer = As(Tenant, "pipeline.write");

        Assert.That((await writer.PostAsync("/api/v1/opportunities", new { name = "Autorisé" })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
        await ProblemAsync(await writer.PostAsync("/api/v1/stages", new { name = "Interdit" }), HttpStatusCode.Forbidden, "forbidden");
        Assert.That(await Api.StagesAsync(), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task ScopesSentAsSeveralClaims_AreHonoured()
    {
        var client = App.WithToken(Tokens.Create(Tenant, ["openid", "pipeline.admin"], scopesAsSeveralClaims: true));

        Assert.That((await client.PostAsJsonAsync("/api/v1/stages", new { name = "Multi-claims" })).StatusCode, Is.EqualTo(HttpStatusCode.Created));
    }

    [Test]
    public async Task AVeryLongSubject_IsRecordedTruncated_NotRefused()
    {
        var client = new TenantClient(App.WithToken(Tokens.Create(Tenant, ["pipeline.write"], subject: new string('s', 500))));

        var opportunity = await client.CreateOpportunityAsync(new { name = "Long sujet" });

        Assert.That((await Api.HistoryAsync(opportunity.Id)).Single().Actor, Has.Length.EqualTo(200));
    }

    [Test]
    public async Task ATokenWithoutTenant_Returns403()
    {
        var client = App.WithToken(Tokens.Create(null, ["pipeline.admin"]));

        var refused = await ProblemAsync(await client.GetAsync("/api/v1/stages"), HttpStatusCode.Forbidden, "forbidden");

        Assert.That((string?)refused["detail"], Does.StartWith("The token names no tenant: it needs exactly one 'tenant_id' claim"));
    }

    [Test]
    public async Task AnotherTenantsIds_Answer404_AndItsDataIsNeverSeen()
    {
        var devis = await Api.StageAsync("Devis");
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Secret", stageId = devis.Id });
        var intruder = As($"intruder-{Guid.NewGuid():N}", "pipeline.admin");

        await ProblemAsync(await intruder.GetAsync($"/api/v1/stages/{devis.Id}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await intruder.GetAsync($"/api/v1/opportunities/{opportunity.Id}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await intruder.PutAsync($"/api/v1/stages/{devis.Id}/name", new { name = "Piraté" }), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await intruder.DeleteAsync($"/api/v1/stages/{devis.Id}"), HttpStatusCode.NotFound, "not-found");
        await ProblemAsync(await intruder.PostAsync($"/api/v1/opportunities/{opportunity.Id}/won"), HttpStatusCode.NotFound, "not-found");
        var intrudersOwn = await intruder.CreateOpportunityAsync(new { name = "Mine" });
        await ProblemAsync(await intruder.PostAsync($"/api/v1/opportunities/{intrudersOwn.Id}/move", new { stageId = devis.Id }),
            HttpStatusCode.UnprocessableEntity, "unknown-stage");
        Assert.That((await ReadAsync<Page<object>>(await intruder.GetAsync("/api/v1/opportunities"))).Items, Has.Count.EqualTo(1));
        Assert.That((await Api.StageAsync("Devis")).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task TwoFirstRequestsRacing_ProvisionTheTenantOnce()
    {
        var tenant = $"race-{Guid.NewGuid():N}";
        var clients = Enumerable.Range(0, 8).Select(_ => As(tenant, "pipeline.read")).ToList();

        var lists = await Task.WhenAll(clients.Select(c => c.StagesAsync()));

        Assert.That(lists.Select(l => l.Count), Has.All.EqualTo(5));
        Assert.That(await clients[0].StagesAsync(), Has.Count.EqualTo(5));
    }
}
