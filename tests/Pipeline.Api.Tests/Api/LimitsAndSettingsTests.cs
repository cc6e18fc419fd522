using Microsoft.Extensions.Configuration;

namespace Pipeline.Api.Tests.Api;

/// <summary>Per-tenant rate limits, settings checked at start-up, and the contract switched off for production.</summary>
public sealed class LimitsAndSettingsTests
{
    [Test]
    public async Task ABurstPastTheTenantsBucket_Gets429sWithRetryAfter_ThenTheBucketRefills()
    {
        await using var app = Start(new()
        {
            ["RateLimiting:Tenant:TokenLimit"] = "5",
            ["RateLimiting:Tenant:TokensPerPeriod"] = "5",
            ["RateLimiting:Tenant:ReplenishmentPeriod"] = "00:00:01",
        });
        var client = new TenantClient(app.ClientFor($"t-{Guid.NewGuid():N}", "pipeline.read"));
        var other = new TenantClient(app.ClientFor($"t-{Guid.NewGuid():N}", "pipeline.read"));

        var burst = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => client.GetAsync("/api/v1/stages")));

        // 5 tokens, and at most one refill of 5 if the bucket's one-second tick falls inside the burst.
        var refused = burst.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.That(burst.Count(r => r.StatusCode == HttpStatusCode.OK), Is.InRange(5, 10));
        Assert.That(refused, Has.Count.EqualTo(12 - burst.Count(r => r.StatusCode == HttpStatusCode.OK)));
        await ProblemAsync(refused[0], HttpStatusCode.TooManyRequests, "rate-limited");
        Assert.That(refused[0].Headers.RetryAfter?.Delta, Is.GreaterThan(TimeSpan.Zero));
        Assert.That(refused[0].Headers.GetValues("RateLimit").Single(), Does.Match("^\"tenant\";r=[0-5];t=[01]$"));
        Assert.That((await other.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "another tenant has its own bucket");
        Assert.That((await client.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "health is exempt");

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var later = await client.GetAsync("/api/v1/stages");
        Assert.That(later.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the bucket refilled");
        Assert.That(later.Headers.GetValues("RateLimit-Policy").Single(), Is.EqualTo("\"tenant\";q=5;w=1"));
    }

    [TestCase("Automation:PurgeBatchSize", "0")]
    [TestCase("Automation:PurgeInterval", "00:00:00")]
    [TestCase("Automation:InboxRetention", "00:00:00")]
    [TestCase("RateLimiting:Tenant:TokenLimit", "0")]
    [TestCase("RateLimiting:Anonymous:ReplenishmentPeriod", "00:00:00")]
    [TestCase("Limits:MaxBodyBytes", "0")]
    [TestCase("Authentication:ClockSkew", "01:00:00")]
    public void ABadSetting_StopsTheServiceAtStartUp_NamingTheKey(string key, string value)
    {
        var app = Start(new() { [key] = value }, start: false);

        var error = Assert.Catch(() => app.StartServer());

        Assert.That(error!.Message, Does.Contain(key));
    }

    [Test]
    public async Task OpenApiOff_HidesTheDocumentAndTheUi_TheApiStillAnswers()
    {
        await using var app = Start(new() { ["OpenApi:Enabled"] = "false" });
        var client = app.ClientFor($"t-{Guid.NewGuid():N}", "pipeline.read");

        Assert.That((await client.GetAsync("/swagger/v1/swagger.json")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync("/swagger/index.html")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    private static PipelineApp Start(Dictionary<string, string?> settings, bool start = true)
    {
        var app = new PipelineApp(DatabaseProvider.Sqlite, PipelineApps.NewDatabase(DatabaseProvider.Sqlite),
            configuration: c => c.AddInMemoryCollection(settings));
        if (start) app.StartServer();
        return app;
    }
}
