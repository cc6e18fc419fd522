using Pipeline.Api.Opportunities;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Api;

public sealed class OpportunitiesApiTests(DatabaseProvider provider) : ApiTest(provider)
{
    [Test]
    public async Task Create_LandsInTheFirstUnfoldedOpenStage_WithItsProbability()
    {
        var nouveau = await Api.StageAsync("Nouveau");
        var first = await Api.CreateOpportunityAsync(new { name = "Isolation combles", expectedRevenue = 8450.35m });
        await Api.PutAsync($"/api/v1/stages/{nouveau.Id}/fold", new { folded = true });
        var second = await Api.CreateOpportunityAsync(new { name = "Ravalement" });

        Assert.That((first.StageId, first.Probability, first.ProbabilitySource, first.ExpectedRevenue, first.Outcome, first.Active),
            Is.EqualTo((nouveau.Id, 10m, ProbabilitySource.Stage, 8450.35m, Outcome.Open, true)));
        Assert.That(second.StageId, Is.EqualTo((await Api.StageAsync("Estimation")).Id));
    }

    [Test]
    public async Task Create_ReturnsLocationAndETag_AndRecordsTheCreation()
    {
        var response = await Api.PostAsync("/api/v1/opportunities", new { name = "Carrelage", externalRef = "CRM-42" });

        var created = await ReadAsync<OpportunityDto>(response, HttpStatusCode.Created);
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/opportunities/{created.Id}"));
        Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo("\"1\""));
        var history = await Api.HistoryAsync(created.Id);
        Assert.That(history.Select(h => (h.Cause, h.FromStageId, h.ToStageName, h.ProbabilityAfter, h.Actor)),
            Is.EqualTo(new[] { (HistoryCause.Created, (long?)null, "Nouveau", 10m, "test-user") }));
    }

    [Test]
    public async Task Create_WithAnExternalRefAlreadyUsed_Returns409NamingTheExistingOne()
    {
        var first = await Api.CreateOpportunityAsync(new { name = "Menuiseries", externalRef = "DEV-2026-001" });

        var problem = await ProblemAsync(await Api.PostAsync("/api/v1/opportunities", new { name = "Doublon", externalRef = "DEV-2026-001" }),
            HttpStatusCode.Conflict, "duplicate-external-ref");

        Assert.That((long?)problem["opportunityId"], Is.EqualTo(first.Id));
    }

    [Test]
    public async Task HelpPageWalkthrough_MoveIntoDevis_ManualProbability_ReassignOnlyStageSourced()
    {
        var devis = await Api.StageAsync("Devis");
        var followsStage = await Api.CreateOpportunityAsync(new { name = "Pompe à chaleur" });
        var manual = await Api.CreateOpportunityAsync(new { name = "Chaudière" });
        var won = await Api.CreateOpportunityAsync(new { name = "Photovoltaïque" });

        var moved = await Api.MoveAsync(followsStage.Id, devis.Id);
        Assert.That((moved.StageId, moved.Probability, moved.ProbabilitySource), Is.EqualTo((devis.Id, 80m, ProbabilitySource.Stage)));

        await Api.MoveAsync(manual.Id, devis.Id);
        var setByHand = await ReadAsync<OpportunityDto>(await Api.PutAsync($"/api/v1/opportunities/{manual.Id}/probability", new { probability = 65.25m }));
        Assert.That((setByHand.Probability, setByHand.ProbabilitySource), Is.EqualTo((65.25m, ProbabilitySource.Manual)));

        await Api.MoveAsync(won.Id, devis.Id);
        await Api.PostAsync($"/api/v1/opportunities/{won.Id}/won");

        var stage = await ReadAsync<StageDto>(await Api.PutAsync($"/api/v1/stages/{devis.Id}/probability", new { probability = 75 }));

        Assert.That((stage.Probability, stage.Reassigned), Is.EqualTo(((decimal?)75m, (int?)1)));
        Assert.That((await Api.OpportunityAsync(followsStage.Id)).Probability, Is.EqualTo(75m));
        Assert.That((await Api.OpportunityAsync(manual.Id)).Probability, Is.EqualTo(65.25m));
        Assert.That((await Api.OpportunityAsync(won.Id)).Probability, Is.EqualTo(100m));
    }

    [Test]
    public async Task SetProbability_ReassignsEveryStageSourcedOpportunity_ArchivedIncluded_InOneStep()
    {
        var visite = await Api.StageAsync("Visite Technique");
        var created = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Api.CreateOpportunityAsync(new { name = $"VT {i}", stageId = visite.Id })));
        await Api.PostAsync($"/api/v1/opportunities/{created[0].Id}/archive");

        var stage = await ReadAsync<StageDto>(await Api.PutAsync($"/api/v1/stages/{visite.Id}/probability", new { probability = 42.42m }));
        var again = await ReadAsync<StageDto>(await Api.PutAsync($"/api/v1/stages/{visite.Id}/probability", new { probability = 42.42m }));

        Assert.That((stage.Reassigned, again.Reassigned), Is.EqualTo(((int?)12, (int?)0)));
        Assert.That((await Task.WhenAll(created.Select(o => Api.OpportunityAsync(o.Id)))).Select(o => o.Probability), Has.All.EqualTo(42.42m));
    }

    [Test]
    public async Task TurningAutoProbabilityOn_ReassignsTheStagesProbability()
    {
        var estimation = await Api.StageAsync("Estimation");
        await Api.PutAsync($"/api/v1/stages/{estimation.Id}/probability", new { probability = 20, autoProbability = false });
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Terrasse", stageId = estimation.Id });
        await Api.PutAsync($"/api/v1/stages/{estimation.Id}/probability", new { probability = 35, autoProbability = false });
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Probability, Is.EqualTo(20m), "a manual-mode stage does not reassign");

        var stage = await ReadAsync<StageDto>(await Api.PatchAsync($"/api/v1/stages/{estimation.Id}", new { autoProbability = true }));

        Assert.That(stage.Reassigned, Is.EqualTo(1));
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Probability, Is.EqualTo(35m));
    }

    [Test]
    public async Task ManualProbability_StaysInANonAutoStage_AndIsReplacedByTheNextAutoStage()
    {
        var estimation = await Api.StageAsync("Estimation");
        var devis = await Api.StageAsync("Devis");
        await Api.PatchAsync($"/api/v1/stages/{estimation.Id}", new { autoProbability = false });
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Fenêtres" });
        await Api.PutAsync($"/api/v1/opportunities/{opportunity.Id}/probability", new { probability = 33 });

        var inManualStage = await Api.MoveAsync(opportunity.Id, estimation.Id);
        var inAutoStage = await Api.MoveAsync(opportunity.Id, devis.Id);

        Assert.That((inManualStage.Probability, inManualStage.ProbabilitySource), Is.EqualTo((33m, ProbabilitySource.Manual)));
        Assert.That((inAutoStage.Probability, inAutoStage.ProbabilitySource), Is.EqualTo((80m, ProbabilitySource.Stage)));
    }

    [Test]
    public async Task Move_IsFree_BackwardsAndForwards()
    {
        var stages = await Api.StagesAsync();
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Piscine" });

        await Api.MoveAsync(opportunity.Id, stages[3].Id);
        var back = await Api.MoveAsync(opportunity.Id, stages[1].Id);

        Assert.That((back.StageId, back.Probability), Is.EqualTo((stages[1].Id, 20m)));
        Assert.That((await Api.HistoryAsync(opportunity.Id)).Select(h => (h.Cause, h.FromStageName, h.ToStageName)), Is.EqualTo(new[]
        {
            (HistoryCause.Created, (string?)null, "Nouveau"),
            (HistoryCause.Moved, "Nouveau", "Devis"),
            (HistoryCause.Moved, "Devis", "Estimation"),
        }));
    }

    [Test]
    public async Task Move_ToAStageOutsideItsPipeline_Returns422()
    {
        var otherTeams = await Api.CreateStageAsync(new { name = "Chantier", teamId = 2 });
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Charpente", teamId = 1 });

        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = otherTeams.Id }),
            HttpStatusCode.UnprocessableEntity, "stage-outside-pipeline");
        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = 987_654_321 }),
            HttpStatusCode.UnprocessableEntity, "unknown-stage");
    }

    [Test]
    public async Task Move_IntoTheClosingStage_NeedsAnOutcome()
    {
        var closing = await Api.StageAsync("Gagné / Perdu");
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Clôture" });

        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = closing.Id }),
            HttpStatusCode.UnprocessableEntity, "outcome-required");
        var lost = await Api.MoveAsync(opportunity.Id, closing.Id, "lost");

        Assert.That((lost.Outcome, lost.Probability, lost.Active), Is.EqualTo((Outcome.Lost, 0m, false)));
    }

    [Test]
    public async Task WinLoseReopen_FollowTheClosingRules()
    {
        var devis = await Api.StageAsync("Devis");
        var closing = await Api.StageAsync("Gagné / Perdu");
        var a = await Api.CreateOpportunityAsync(new { name = "Extension bois", stageId = devis.Id });
        var b = await Api.CreateOpportunityAsync(new { name = "Véranda", stageId = devis.Id });

        var won = await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{a.Id}/won"));
        var lost = await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{b.Id}/lost", new { reason = "Prix trop élevé" }));

        Assert.That((won.StageId, won.Outcome, won.Probability, won.Active), Is.EqualTo((closing.Id, Outcome.Won, 100m, true)));
        Assert.That((lost.StageId, lost.Outcome, lost.Probability, lost.Active, lost.LostReason),
            Is.EqualTo((closing.Id, Outcome.Lost, 0m, false, "Prix trop élevé")));

        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{a.Id}/move", new { stageId = devis.Id }), HttpStatusCode.Conflict, "opportunity-closed");
        await ProblemAsync(await Api.PutAsync($"/api/v1/opportunities/{a.Id}/probability", new { probability = 5 }), HttpStatusCode.Conflict, "opportunity-closed");
        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{b.Id}/won"), HttpStatusCode.Conflict, "opportunity-closed");
        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{b.Id}/restore"), HttpStatusCode.Conflict, "opportunity-lost");

        var reopened = await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{b.Id}/reopen", new { }));

        Assert.That((reopened.StageId, reopened.Outcome, reopened.Active, reopened.Probability, reopened.LostReason),
            Is.EqualTo((devis.Id, Outcome.Open, true, 80m, (string?)null)), "reopens where it was closed from");
        Assert.That((await Api.HistoryAsync(b.Id)).Select(h => (h.Cause, h.ProbabilityAfter)).Skip(1), Is.EqualTo(new[]
        {
            (HistoryCause.Lost, 0m),
            (HistoryCause.Reopened, 80m),
        }));
        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{b.Id}/reopen", new { }), HttpStatusCode.Conflict, "opportunity-open");
    }

    [Test]
    public async Task Reopen_IntoAGivenStage()
    {
        var visite = await Api.StageAsync("Visite Technique");
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Garage" });
        await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/won");

        var reopened = await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/reopen", new { stageId = visite.Id }));

        Assert.That((reopened.StageId, reopened.Probability), Is.EqualTo((visite.Id, 50m)));
    }

    [Test]
    public async Task ArchiveAndRestore()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Portail" });

        var archived = await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/archive"));
        var activeList = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync("/api/v1/opportunities"));
        var archivedList = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync("/api/v1/opportunities?archived=true"));
        var restored = await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/restore"));

        Assert.That((archived.Active, restored.Active, restored.Version), Is.EqualTo((false, true, 3L)));
        Assert.That(activeList.Items, Is.Empty);
        Assert.That(archivedList.Items.Select(o => o.Id), Is.EqualTo(new[] { opportunity.Id }));
    }

    [Test]
    public async Task List_FiltersAndPagesWithACursor()
    {
        var devis = await Api.StageAsync("Devis");
        var created = new List<OpportunityDto>();
        for (var i = 0; i < 7; i++)
            created.Add(await Api.CreateOpportunityAsync(new { name = $"Lot {i}", teamId = i % 2 == 0 ? 1 : 2, stageId = i < 5 ? devis.Id : (long?)null }));

        var pages = new List<List<OpportunityDto>>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync($"/api/v1/opportunities?stageId={devis.Id}&limit=2&cursor={cursor}"));
            pages.Add(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        var team2 = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync("/api/v1/opportunities?teamId=2&outcome=open"));

        Assert.That(pages.Select(p => p.Count), Is.EqualTo(new[] { 2, 2, 1 }));
        Assert.That(pages.SelectMany(p => p).Select(o => o.Id), Is.EqualTo(created.Take(5).Select(o => o.Id)));
        Assert.That(team2.Items.Select(o => o.Name), Is.EqualTo(new[] { "Lot 1", "Lot 3", "Lot 5" }));
    }

    [Test]
    public async Task Update_ChangesNameRevenueTeamAndReference_AndTheBoardFollows()
    {
        var devis = await Api.StageAsync("Devis");
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Extension", expectedRevenue = 10000m, stageId = devis.Id });

        var updated = await ReadAsync<OpportunityDto>(await Api.PatchAsync($"/api/v1/opportunities/{opportunity.Id}",
            new { name = " Extension bois ", expectedRevenue = 12500.50m, teamId = 3, externalRef = "DEV-9" }, ifMatch: "\"1\""));
        var board = await ReadAsync<Pipeline.Api.Reports.Board>(await Api.GetAsync("/api/v1/pipeline?teamId=3"));
        var untouched = await ReadAsync<OpportunityDto>(await Api.PatchAsync($"/api/v1/opportunities/{opportunity.Id}", new { }));

        Assert.That((updated.Name, updated.ExpectedRevenue, updated.TeamId, updated.ExternalRef, updated.Version),
            Is.EqualTo(("Extension bois", 12500.50m, (long?)3, "DEV-9", 2L)));
        Assert.That(board.Columns.Single(c => c.Id == devis.Id).WeightedRevenue, Is.EqualTo(10000.40m));
        Assert.That(untouched.Version, Is.EqualTo(2), "an empty change changes nothing");
    }

    [Test]
    public async Task Update_ToATeamWhosePipelineLacksTheCurrentStage_Returns422_AndATakenReference409()
    {
        var teamStage = await Api.CreateStageAsync(new { name = "Métré", teamId = 1 });
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Charpente", teamId = 1, stageId = teamStage.Id });
        await Api.CreateOpportunityAsync(new { name = "Autre", externalRef = "PRIS" });

        await ProblemAsync(await Api.PatchAsync($"/api/v1/opportunities/{opportunity.Id}", new { teamId = 2 }), HttpStatusCode.UnprocessableEntity, "stage-outside-pipeline");
        await ProblemAsync(await Api.PatchAsync($"/api/v1/opportunities/{opportunity.Id}", new { externalRef = "PRIS" }), HttpStatusCode.Conflict, "duplicate-external-ref");
        await ProblemAsync(await Api.PatchAsync($"/api/v1/opportunities/{opportunity.Id}", new { expectedRevenue = 1.001m }), HttpStatusCode.BadRequest, "validation");

        Assert.That(await Api.OpportunityAsync(opportunity.Id), Is.EqualTo(opportunity));
    }

    [Test]
    public async Task StaleIfMatch_OnAnOpportunity_Returns412AndChangesNothing()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Bardage" });
        var devis = await Api.StageAsync("Devis");

        await ProblemAsync(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = devis.Id }, ifMatch: "\"7\""),
            HttpStatusCode.PreconditionFailed, "precondition-failed");
        var withCurrent = await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = devis.Id }, ifMatch: "\"1\"");

        Assert.That((await ReadAsync<OpportunityDto>(withCurrent)).StageId, Is.EqualTo(devis.Id));
        Assert.That(await Api.HistoryAsync(opportunity.Id), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task ConcurrentMovesOfOneOpportunity_AllSucceedAndEachIsRecorded()
    {
        var stages = (await Api.StagesAsync()).Where(s => !s.IsClosing).ToList();
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Course" });

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = stages[1 + i % 3].Id })));

        Assert.That(responses.Select(r => r.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
        var final = await Api.OpportunityAsync(opportunity.Id);
        var history = await Api.HistoryAsync(opportunity.Id);
        Assert.That(history.Last().ToStageId, Is.EqualTo(final.StageId));
        Assert.That(history.Skip(1).Zip(history.Skip(2)).All(p => p.First.ToStageId == p.Second.FromStageId), "history forms one chain");
    }
}
