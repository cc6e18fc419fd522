using System.Text.Json.Nodes;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// Calibration against a history seeded through the API, with the figures computed by hand (Wilson at z = 1.96):
/// of the deals closed that were in a stage, the share won; reopened deals count with their last outcome.
/// </summary>
public sealed class CalibrationTests(DatabaseProvider provider) : ApiTest(provider)
{
    [Test]
    public async Task EachStage_GetsItsObservedRateInterval_AndASuggestionOnceTheSampleIsLargeEnough()
    {
        await SeedAsync();

        using var statements = new Spans(DbTelemetry.SourceName);
        var report = await CalibrationAsync("");
        var byName = Items(report);

        Assert.That(statements.Stopped, Has.Count.EqualTo(3), "the pipeline, the counts per stage, the last names");

        // Nouveau: A B C D E H I reached it; A C E H won, B D I lost.
        Assert.That(byName["Nouveau"], Is.EqualTo((7L, 4L, 3L, 57.14m, 25.05m, 84.18m, (decimal?)null)));
        Assert.That(byName["Estimation"], Is.EqualTo((0L, 0L, 0L, (decimal?)null, (decimal?)null, (decimal?)null, (decimal?)null)));
        // Visite Technique: C won, D lost.
        Assert.That(byName["Visite Technique"], Is.EqualTo((2L, 1L, 1L, 50.00m, 9.45m, 90.55m, (decimal?)null)));
        // Devis: A C E H won, B I lost (E counts once, with its last outcome after being reopened).
        Assert.That(byName["Devis"], Is.EqualTo((6L, 4L, 2L, 66.67m, 30.00m, 90.32m, (decimal?)null)));
        // Métré, since deleted, keeps its last name: I went through it and was lost.
        Assert.That(byName["Métré"], Is.EqualTo((1L, 0L, 1L, 0.00m, 0.00m, 79.35m, (decimal?)null)));
        Assert.That(report["items"]!.AsArray().Select(i => (string)i!["stageName"]!),
            Is.EqualTo(new[] { "Nouveau", "Estimation", "Visite Technique", "Devis", "Métré" }), "open stages in order, then deleted ones");
        Assert.That((int)report["minSample"]!, Is.EqualTo(20));
        Assert.That((bool)report["items"]![4]!["deleted"]!, Is.True);
        Assert.That((decimal?)report["items"]![3]!["configuredProbability"], Is.EqualTo(80m));
    }

    [Test]
    public async Task UnderMinSample_NoSuggestion_AtItAWholePercent()
    {
        await SeedAsync();

        var byName = Items(await CalibrationAsync("minSample=6"));

        Assert.That(byName["Nouveau"].Suggested, Is.EqualTo(57m));
        Assert.That(byName["Devis"].Suggested, Is.EqualTo(67m));
        Assert.That(byName["Visite Technique"].Suggested, Is.Null);
        await ProblemAsync(await Api.GetAsync("/api/v1/reports/calibration?minSample=0"), HttpStatusCode.BadRequest, "validation");
    }

    [Test]
    public async Task ATeamsCalibration_CountsItsDealsOnly_AndAnEmptyRangeCountsNothing()
    {
        await SeedAsync();

        var team = Items(await CalibrationAsync("teamId=2"));
        var empty = Items(await CalibrationAsync("from=2100-01-01T00:00:00Z"));

        Assert.That(team["Nouveau"], Is.EqualTo((1L, 1L, 0L, 100.00m, 20.65m, 100.00m, (decimal?)null)), "H only");
        Assert.That(team["Devis"].Reached, Is.EqualTo(1));
        Assert.That(empty.Values.Select(v => v.Reached), Has.All.EqualTo(0));
        Assert.That(empty.Values.Select(v => v.Rate), Has.All.Null);
    }

    /// <summary>Nine deals through the API: A–E and I for every team, F reopened and still open, G never closed, H of team 2.</summary>
    private async Task SeedAsync()
    {
        var stages = (await Api.StagesAsync()).ToDictionary(s => s.Name, s => s.Id);
        var metre = await Api.CreateStageAsync(new { name = "Métré" });

        async Task Deal(string name, long? team, params object[] steps)
        {
            var id = (await Api.CreateOpportunityAsync(new { name, teamId = team })).Id;
            foreach (var step in steps)
            {
                var response = step switch
                {
                    "won" => await Api.PostAsync($"/api/v1/opportunities/{id}/won"),
                    "lost" => await Api.PostAsync($"/api/v1/opportunities/{id}/lost", new { reason = "Prix" }),
                    ("reopen", long to) => await Api.PostAsync($"/api/v1/opportunities/{id}/reopen", new { stageId = to }),
                    long to => await Api.PostAsync($"/api/v1/opportunities/{id}/move", new { stageId = to }),
                    _ => throw new ArgumentException($"{step}"),
                };
                Assert.That(response.IsSuccessStatusCode, $"{name} {step}: {await response.Content.ReadAsStringAsync()}");
            }
        }

        await Deal("A", null, stages["Devis"], "won");
        await Deal("B", null, stages["Devis"], "lost");
        await Deal("C", null, stages["Visite Technique"], stages["Devis"], "won");
        await Deal("D", null, stages["Visite Technique"], "lost");
        await Deal("E", null, "lost", ("reopen", stages["Devis"]), "won");
        await Deal("F", null, "won", ("reopen", stages["Nouveau"]));
        await Deal("G", null);
        await Deal("H", 2, stages["Devis"], "won");
        await Deal("I", null, metre.Id, stages["Devis"], "lost");
        Assert.That((await Api.DeleteAsync($"/api/v1/stages/{metre.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    private async Task<JsonNode> CalibrationAsync(string query)
    {
        var response = await Api.GetAsync($"/api/v1/reports/calibration?{query}");
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
        return JsonNode.Parse(text)!;
    }

    private static Dictionary<string, (long Reached, long Won, long Lost, decimal? Rate, decimal? Lower, decimal? Upper, decimal? Suggested)> Items(
        JsonNode report) =>
        report["items"]!.AsArray().ToDictionary(i => (string)i!["stageName"]!, i => ((long)i!["reached"]!, (long)i["won"]!, (long)i["lost"]!,
            (decimal?)i["observedWinRate"], (decimal?)i["lower95"], (decimal?)i["upper95"], (decimal?)i["suggestedProbability"]));
}
