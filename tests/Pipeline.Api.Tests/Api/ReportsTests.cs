using Pipeline.Api.Reports;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Api;

/// <summary>Reports over time, on an app whose clock the tests move (the one thing they may fake).</summary>
public sealed class ReportsTests(DatabaseProvider provider) : ApiTest(provider, fakeClock: true)
{
    private void Wait(TimeSpan span) => App.Clock.Advance(span);

    private static string At(DateTimeOffset t) => Uri.EscapeDataString(t.ToString("O"));

    [Test]
    public async Task StageDurations_AreExact_IncludingAStageDeletedSince()
    {
        var devis = await Api.StageAsync("Devis");
        var metre = await Api.CreateStageAsync(new { name = "Métré", position = 2 });
        var start = App.Clock.GetUtcNow();
        var a = await Api.CreateOpportunityAsync(new { name = "A" });
        var b = await Api.CreateOpportunityAsync(new { name = "B" });
        var c = await Api.CreateOpportunityAsync(new { name = "C" });
        Wait(TimeSpan.FromHours(1));
        await Api.MoveAsync(a.Id, metre.Id);                     // A: 1 h in Nouveau
        Wait(TimeSpan.FromHours(1));
        await Api.MoveAsync(b.Id, metre.Id);                     // B: 2 h in Nouveau
        Wait(TimeSpan.FromHours(1));
        await Api.MoveAsync(c.Id, metre.Id);                     // C: 3 h in Nouveau
        await Api.MoveAsync(a.Id, devis.Id);                     // A: 2 h in Métré
        Wait(TimeSpan.FromMinutes(30));
        await Api.MoveAsync(c.Id, devis.Id);                     // C: 30 min in Métré
        Wait(TimeSpan.FromHours(4));
        await Api.MoveAsync(b.Id, devis.Id);                     // B: 5 h 30 in Métré
        Assert.That((await Api.DeleteAsync($"/api/v1/stages/{metre.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var report = await ReadAsync<Page<StageDuration>>(await Api.GetAsync($"/api/v1/reports/stage-durations?from={At(start)}"));

        Assert.That(report.Items.Select(d => (d.Name, d.Deleted, d.Stays, d.AverageSeconds, d.MedianSeconds)), Is.EqualTo(new[]
        {
            ("Nouveau", false, 3L, 7200m, 7200m),                  // 1 h, 2 h, 3 h
            ("Métré", true, 3L, 9600m, 7200m),                     // 2 h, 30 min, 5 h 30: mean 2 h 40, median 2 h
        }));
    }

    [Test]
    public async Task StageDurations_MedianOfAnEvenNumberOfStays_IsTheMeanOfTheMiddleTwo()
    {
        var estimation = await Api.StageAsync("Estimation");
        var start = App.Clock.GetUtcNow();
        var ids = new List<long>();
        for (var i = 0; i < 4; i++) ids.Add((await Api.CreateOpportunityAsync(new { name = $"O{i}" })).Id);
        foreach (var (id, minutes) in ids.Zip([10, 10, 20, 60]))   // leave Nouveau after 10, 20, 40 and 100 minutes
        {
            Wait(TimeSpan.FromMinutes(minutes));
            await Api.MoveAsync(id, estimation.Id);
        }

        var nouveau = (await ReadAsync<Page<StageDuration>>(await Api.GetAsync($"/api/v1/reports/stage-durations?from={At(start)}"))).Items.Single();

        Assert.That((nouveau.Stays, nouveau.AverageSeconds, nouveau.MedianSeconds), Is.EqualTo((4L, 2550m, 1800m)));
    }

    [Test]
    public async Task Conversion_CountsWhoReachedEachStage_AndHowManyOfThemWereWonOrLost()
    {
        var devis = await Api.StageAsync("Devis");
        var opportunities = new List<long>();
        for (var i = 0; i < 5; i++) opportunities.Add((await Api.CreateOpportunityAsync(new { name = $"Conv {i}" })).Id);
        foreach (var id in opportunities.Take(3)) await Api.MoveAsync(id, devis.Id);
        await Api.PostAsync($"/api/v1/opportunities/{opportunities[0]}/won");
        await Api.PostAsync($"/api/v1/opportunities/{opportunities[1]}/lost", new { reason = "Budget" });
        await Api.PostAsync($"/api/v1/opportunities/{opportunities[3]}/won");

        var conversion = await ReadAsync<Conversion>(await Api.GetAsync("/api/v1/reports/conversion"));

        Assert.That(conversion.Stages.Select(s => (s.Name, s.Reached, s.Won, s.Lost, s.WinRate)), Is.EqualTo(new[]
        {
            ("Nouveau", 5L, 2L, 1L, (decimal?)40m),
            ("Devis", 3L, 1L, 1L, 33.33m),
            ("Gagné / Perdu", 3L, 2L, 1L, 66.67m),
        }));
        Assert.That((conversion.Created, conversion.Won, conversion.Lost, conversion.WinRate), Is.EqualTo((5L, 2L, 1L, (decimal?)40m)));
    }

    [Test]
    public async Task Forecast_WeighsTheOpenPipeline_AndSumsWhatWasWonInThePeriod()
    {
        var devis = await Api.StageAsync("Devis");
        await Api.CreateOpportunityAsync(new { name = "Ouvert", expectedRevenue = 1000m, stageId = devis.Id });
        var early = await Api.CreateOpportunityAsync(new { name = "Gagné tôt", expectedRevenue = 300m });
        await Api.PostAsync($"/api/v1/opportunities/{early.Id}/won");
        Wait(TimeSpan.FromDays(10));
        var periodStart = App.Clock.GetUtcNow();
        var late = await Api.CreateOpportunityAsync(new { name = "Gagné tard", expectedRevenue = 450.25m });
        await Api.PostAsync($"/api/v1/opportunities/{late.Id}/won");

        var forecast = await ReadAsync<Forecast>(await Api.GetAsync($"/api/v1/reports/forecast?from={At(periodStart)}"));

        Assert.That(forecast.Stages.Select(s => s.Name), Does.Not.Contain("Gagné / Perdu"));
        Assert.That(forecast.Stages.Single(s => s.Name == "Devis").WeightedRevenue, Is.EqualTo(800m));
        Assert.That((forecast.Count, forecast.ExpectedRevenue, forecast.WeightedRevenue), Is.EqualTo((1L, 1000m, 800m)));
        Assert.That((forecast.WonCount, forecast.WonRevenue), Is.EqualTo((1L, 450.25m)));
    }

    [Test]
    public async Task RottingStages_MarkStaleCards_CountThem_AndListThemOldestFirst()
    {
        var nouveau = await Api.StageAsync("Nouveau");
        await Api.PatchAsync($"/api/v1/stages/{nouveau.Id}", new { rottingDays = 3 });
        var oldest = await Api.CreateOpportunityAsync(new { name = "Oublié" });
        Wait(TimeSpan.FromDays(1));
        var older = await Api.CreateOpportunityAsync(new { name = "Relancer" });
        Wait(TimeSpan.FromDays(2.5));
        var fresh = await Api.CreateOpportunityAsync(new { name = "Récent" });
        Wait(TimeSpan.FromDays(1));

        var board = await ReadAsync<Board>(await Api.GetAsync("/api/v1/pipeline"));
        var first = await ReadAsync<Page<StaleOpportunity>>(await Api.GetAsync("/api/v1/reports/stale?limit=1"));
        var second = await ReadAsync<Page<StaleOpportunity>>(await Api.GetAsync($"/api/v1/reports/stale?limit=1&cursor={first.NextCursor}"));

        var column = board.Columns[0];
        Assert.That(column.StaleCount, Is.EqualTo(2));
        Assert.That(column.Cards.Select(c => (c.Id, c.Stale)), Is.EqualTo(new[] { (oldest.Id, true), (older.Id, true), (fresh.Id, false) }));
        Assert.That(first.Items.Select(s => s.Id).Concat(second.Items.Select(s => s.Id)), Is.EqualTo(new[] { oldest.Id, older.Id }));
        Assert.That(second.NextCursor, Is.Null);
        await Api.MoveAsync(oldest.Id, (await Api.StageAsync("Devis")).Id);
        Assert.That((await ReadAsync<Board>(await Api.GetAsync("/api/v1/pipeline"))).Columns[0].StaleCount, Is.EqualTo(1), "moving resets the clock");
    }

    [TestCase("forecast?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z")]
    [TestCase("stage-durations?from=2026-02-01T00:00:00Z&to=2026-02-01T00:00:00Z")]
    [TestCase("conversion?from=yesterday")]
    [TestCase("forecast?teamId=x")]
    [TestCase("stale?limit=0")]
    [TestCase("stale?cursor=bogus")]
    public async Task BadReportParameters_Return400(string query) =>
        await ProblemAsync(await Api.GetAsync($"/api/v1/reports/{query}"), HttpStatusCode.BadRequest, "validation");

    [Test]
    public async Task EveryStageChange_IsAudited_WithWhoWhenBeforeAndAfter()
    {
        var stage = await Api.CreateStageAsync(new { name = "Relance" });
        await Api.PutAsync($"/api/v1/stages/{stage.Id}/name", new { name = "Relance client" });
        await Api.PatchAsync($"/api/v1/stages/{stage.Id}", new { probability = 40, autoProbability = true, teamId = 2 });
        var pipeline = (await Api.StagesAsync(teamId: 2)).Select(s => s.Id).ToList();
        await Api.PutAsync("/api/v1/stages/order", new { teamId = 2, stageIds = pipeline.Where(id => id != stage.Id).Prepend(stage.Id) });
        await Api.DeleteAsync($"/api/v1/stages/{stage.Id}");

        var audit = await ReadAsync<Page<StageAuditEntryDto>>(await Api.GetAsync($"/api/v1/stages/{stage.Id}/audit"));
        var all = await ReadAsync<Page<StageAuditEntryDto>>(await Api.GetAsync("/api/v1/stages/audit?limit=100"));

        Assert.That(audit.Items.Select(e => (e.Action, string.Join(",", e.Fields))), Is.EqualTo(new[]
        {
            (StageAuditAction.Deleted, "name,teamId,folded,probability,autoProbability,rottingDays,sequence"),
            (StageAuditAction.Reordered, "sequence"),
            (StageAuditAction.Updated, "teamId,probability,autoProbability"),
            (StageAuditAction.Updated, "name"),
            (StageAuditAction.Created, "name,teamId,folded,probability,autoProbability,rottingDays,sequence"),
        }));
        var renamed = audit.Items[3];
        Assert.That((renamed.Before?.GetProperty("name").GetString(), renamed.After?.GetProperty("name").GetString(), renamed.Actor),
            Is.EqualTo(("Relance", "Relance client", "test-user")));
        Assert.That(audit.Items[2].After?.GetProperty("probability").GetDecimal(), Is.EqualTo(40m));
        Assert.That(all.Items.Count(e => e.StageId != stage.Id), Is.GreaterThanOrEqualTo(1), "reordering moved other stages too");
    }
}
