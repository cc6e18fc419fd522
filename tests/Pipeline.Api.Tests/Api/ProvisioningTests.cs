using Pipeline.Api.Automation;

namespace Pipeline.Api.Tests.Api;

public sealed class ProvisioningTests(DatabaseProvider provider) : ApiTest(provider)
{
    [Test]
    public async Task ARestart_NeverRecreatesStagesOrRulesTheTenantRenamedOrDeleted()
    {
        var devis = await Api.StageAsync("Devis");
        await Api.PutAsync($"/api/v1/stages/{devis.Id}/name", new { name = "Chiffrage" });
        var rules = (await ReadAsync<Page<AutomationRuleDto>>(await Api.GetAsync("/api/v1/automation-rules"))).Items;
        foreach (var rule in rules.Where(r => r.TargetStageId != devis.Id))
            Assert.That((await Api.DeleteAsync($"/api/v1/automation-rules/{rule.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        var estimation = await Api.StageAsync("Estimation");
        Assert.That((await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        await using var restarted = new PipelineApp(App.Provider, App.ConnectionString);
        var again = new TenantClient(restarted.ClientFor(Tenant, "pipeline.admin"));

        Assert.That((await again.StagesAsync()).Select(s => s.Name), Is.EqualTo(new[] { "Nouveau", "Visite Technique", "Chiffrage", "Gagné / Perdu" }));
        Assert.That((await ReadAsync<Page<AutomationRuleDto>>(await again.GetAsync("/api/v1/automation-rules"))).Items.Select(r => r.EventType),
            Is.EqualTo(new[] { "quote.issued" }));
    }
}
