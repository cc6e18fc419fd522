using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Demo;

namespace Pipeline.Api.Tests.Api;

/// <summary>`-- --demo` gives a board worth looking at, made through the commands, and seeding twice adds nothing.</summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.PostgreSql)]
public sealed class DemoTenantTests(DatabaseProvider provider)
{
    [Test]
    public async Task SeedingTwice_GivesEveryColumnCardsAndRealFigures_Once()
    {
        PipelineApps.RequireEngine(provider);
        await using var app = new PipelineApp(provider, PipelineApps.NewDatabase(provider),
            services: s => s.AddSingleton<TimeProvider>(new TravellingClock()));
        app.StartServer();
        var demo = new TenantClient(app.ClientFor(DemoTenant.TenantId, "pipeline.read"));

        await app.Services.GetRequiredService<DemoTenant>().SeedAsync(CancellationToken.None);
        var first = await JsonAsync(demo, "/api/v1/pipeline");
        await app.Services.GetRequiredService<DemoTenant>().SeedAsync(CancellationToken.None);
        var second = await JsonAsync(demo, "/api/v1/pipeline");

        var columns = first["columns"]!.AsArray();
        Assert.That(columns.Select(c => (long)c!["count"]!), Has.All.GreaterThan(0), "every column holds cards");
        Assert.That(columns.Sum(c => (long)c!["staleCount"]!), Is.GreaterThanOrEqualTo(1), "a stale deal");
        Assert.That(second.ToJsonString(), Is.EqualTo(first.ToJsonString()), "the second seeding added nothing");
        var forecast = await JsonAsync(demo, "/api/v1/reports/forecast");
        Assert.That((decimal)forecast["weightedRevenue"]!, Is.GreaterThan(0));
        var conversion = await JsonAsync(demo, "/api/v1/reports/conversion");
        Assert.That((long)conversion["won"]!, Is.GreaterThan(0));
        Assert.That((long)conversion["lost"]!, Is.GreaterThan(0));
        var durations = await JsonAsync(demo, "/api/v1/reports/stage-durations");
        Assert.That(durations["items"]!.AsArray().Select(d => (decimal)d!["averageSeconds"]!), Has.Some.GreaterThan(86_400m), "history over past weeks");
    }

    private static async Task<JsonNode> JsonAsync(TenantClient client, string url)
    {
        var response = await client.GetAsync(url);
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonNode.Parse(text)!;
    }
}
