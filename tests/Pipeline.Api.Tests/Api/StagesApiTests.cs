using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Api;

public sealed class StagesApiTests(DatabaseProvider provider) : ApiTest(provider)
{
    [Test]
    public async Task NewTenant_SeesTheFiveDefaultStagesInOrder()
    {
        var stages = await Api.StagesAsync();

        Assert.That(stages.Select(s => (s.Name, s.Probability, s.AutoProbability, s.IsClosing)), Is.EqualTo(new (string, decimal?, bool, bool)[]
        {
            ("Nouveau", 10m, true, false),
            ("Estimation", 20m, true, false),
            ("Visite Technique", 50m, true, false),
            ("Devis", 80m, true, false),
            ("Gagné / Perdu", null, false, true),
        }));
        Assert.That(stages.Select(s => s.Sequence), Is.Ordered.Ascending);
        Assert.That(stages.All(s => s.TeamId is null && !s.Folded && s.Version == 1));
    }

    [Test]
    public async Task Create_AddsTheColumnJustBeforeTheClosingStage_WithLocationAndETag()
    {
        var response = await Api.PostAsync("/api/v1/stages", new { name = "  Relance  ", probability = 30, autoProbability = true });

        var created = await ReadAsync<StageDto>(response, HttpStatusCode.Created);
        Assert.That(created.Name, Is.EqualTo("Relance"));
        Assert.That(response.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/stages/{created.Id}"));
        Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo("\"1\""));
        Assert.That((await Api.StagesAsync()).Select(s => s.Name),
            Is.EqualTo(new[] { "Nouveau", "Estimation", "Visite Technique", "Devis", "Relance", "Gagné / Perdu" }));
        var fetched = await ReadAsync<StageDto>(await Api.GetAsync($"/api/v1/stages/{created.Id}"));
        Assert.That(fetched with { }, Is.EqualTo(created));
    }

    [Test]
    public async Task Create_AtAPosition_GoesThere()
    {
        await Api.CreateStageAsync(new { name = "Qualification", position = 2 });

        Assert.That((await Api.StagesAsync()).Select(s => s.Name).Take(3), Is.EqualTo(new[] { "Nouveau", "Qualification", "Estimation" }));
    }

    [TestCase("devis")]
    [TestCase("  DEVIS ")]
    [TestCase("GAGNÉ / PERDU")]
    public async Task Create_WithANameThePipelineAlreadyHas_IgnoringCase_Returns409(string name)
    {
        var problem = await ProblemAsync(await Api.PostAsync("/api/v1/stages", new { name }), HttpStatusCode.Conflict, "duplicate-stage-name");

        Assert.That((long?)problem["stageId"], Is.Not.Null);
        Assert.That(await Api.StagesAsync(), Has.Count.EqualTo(5));
    }

    [Test]
    public async Task TeamStages_MayShareANameAcrossTeams_ButNotWithASharedStage()
    {
        await Api.CreateStageAsync(new { name = "Métré", teamId = 1 });
        await Api.CreateStageAsync(new { name = "Métré", teamId = 2 });

        await ProblemAsync(await Api.PostAsync("/api/v1/stages", new { name = "métré" }), HttpStatusCode.Conflict, "duplicate-stage-name");
        Assert.That((await Api.StagesAsync(teamId: 1)).Count(s => s.Name == "Métré"), Is.EqualTo(1));
        Assert.That(await Api.StagesAsync(teamId: 1), Has.Count.EqualTo(6));
    }

    [Test]
    public async Task Rename_TrimsTheNameAndBumpsTheVersion()
    {
        var devis = await Api.StageAsync("Devis");

        var response = await Api.PutAsync($"/api/v1/stages/{devis.Id}/name", new { name = " Devis envoyé " }, ifMatch: "\"1\"");

        var renamed = await ReadAsync<StageDto>(response);
        Assert.That((renamed.Name, renamed.Version), Is.EqualTo(("Devis envoyé", 2L)));
        Assert.That(response.Headers.ETag?.ToString(), Is.EqualTo("\"2\""));
    }

    [Test]
    public async Task Rename_WithAStaleIfMatch_Returns412AndChangesNothing()
    {
        var devis = await Api.StageAsync("Devis");
        await Api.PutAsync($"/api/v1/stages/{devis.Id}/fold", new { folded = true });

        var problem = await ProblemAsync(await Api.PutAsync($"/api/v1/stages/{devis.Id}/name", new { name = "Chiffrage" }, ifMatch: "\"1\""),
            HttpStatusCode.PreconditionFailed, "precondition-failed");

        Assert.That((long?)problem["currentVersion"], Is.EqualTo(2));
        Assert.That((await Api.StageAsync("Devis")).Version, Is.EqualTo(2));
    }

    [Test]
    public async Task Fold_FoldsAndUnfolds()
    {
        var estimation = await Api.StageAsync("Estimation");

        var folded = await ReadAsync<StageDto>(await Api.PutAsync($"/api/v1/stages/{estimation.Id}/fold", new { folded = true }));
        var unfolded = await ReadAsync<StageDto>(await Api.PutAsync($"/api/v1/stages/{estimation.Id}/fold", new { folded = false }));

        Assert.That((folded.Folded, unfolded.Folded, unfolded.Version), Is.EqualTo((true, false, 3L)));
    }

    [Test]
    public async Task SetProbability_OnTheClosingStage_Returns422()
    {
        var closing = await Api.StageAsync("Gagné / Perdu");

        await ProblemAsync(await Api.PutAsync($"/api/v1/stages/{closing.Id}/probability", new { probability = 50 }),
            HttpStatusCode.UnprocessableEntity, "closing-stage-probability");
    }

    [Test]
    public async Task Patch_SavesEveryFieldOfTheFormAtOnce_AndLeavesOmittedOnesAlone()
    {
        var relance = await Api.CreateStageAsync(new { name = "Relance", probability = 30, autoProbability = true });

        var edited = await ReadAsync<StageDto>(await Api.PatchAsync($"/api/v1/stages/{relance.Id}",
            new { name = "Relance signée ?", teamId = 7, folded = true, autoProbability = false, probability = 85.5m }));
        var renamedOnly = await ReadAsync<StageDto>(await Api.PatchAsync($"/api/v1/stages/{relance.Id}", new { name = "Relance" }));
        var shared = await ReadAsync<StageDto>(await Api.PatchAsync($"/api/v1/stages/{relance.Id}", "{\"teamId\": null}"));

        Assert.That((edited.Name, edited.TeamId, edited.Folded, edited.AutoProbability, edited.Probability),
            Is.EqualTo(("Relance signée ?", (long?)7, true, false, (decimal?)85.5m)));
        Assert.That((renamedOnly.Name, renamedOnly.TeamId, renamedOnly.Folded), Is.EqualTo(("Relance", (long?)7, true)));
        Assert.That(shared.TeamId, Is.Null);
    }

    [Test]
    public async Task Patch_ThatBreaksARule_ChangesNothingAtAll()
    {
        var devis = await Api.StageAsync("Devis");

        await ProblemAsync(await Api.PatchAsync($"/api/v1/stages/{devis.Id}", new { folded = true, name = "Nouveau" }),
            HttpStatusCode.Conflict, "duplicate-stage-name");

        Assert.That(await Api.StageAsync("Devis"), Is.EqualTo(devis));
    }

    [Test]
    public async Task ChangingTeam_WhileTheStageHoldsOpportunitiesOfAnotherTeam_Returns409()
    {
        var devis = await Api.CreateStageAsync(new { name = "Métré" });
        await Api.CreateOpportunityAsync(new { name = "Toiture", teamId = 3, stageId = devis.Id });

        await ProblemAsync(await Api.PatchAsync($"/api/v1/stages/{devis.Id}", new { teamId = 4 }), HttpStatusCode.Conflict, "stage-team-in-use");
        var toTeam3 = await ReadAsync<StageDto>(await Api.PatchAsync($"/api/v1/stages/{devis.Id}", new { teamId = 3 }));

        Assert.That(toTeam3.TeamId, Is.EqualTo(3));
    }

    [Test]
    public async Task TheClosingStage_CannotBelongToATeam()
    {
        var closing = await Api.StageAsync("Gagné / Perdu");

        await ProblemAsync(await Api.PatchAsync($"/api/v1/stages/{closing.Id}", new { teamId = 1 }), HttpStatusCode.UnprocessableEntity, "closing-stage-team");
    }

    [Test]
    public async Task Reorder_AppliesTheFullOrderOfThePipeline()
    {
        var ids = (await Api.StagesAsync()).Select(s => s.Id).ToList();
        long[] order = [ids[0], ids[2], ids[1], ids[3], ids[4]];

        var reordered = await ReadAsync<Page<StageDto>>(await Api.PutAsync("/api/v1/stages/order", new { teamId = (long?)null, stageIds = order }));

        Assert.That(reordered.Items.Select(s => s.Id), Is.EqualTo(order));
        Assert.That((await Api.StagesAsync()).Select(s => s.Name),
            Is.EqualTo(new[] { "Nouveau", "Visite Technique", "Estimation", "Devis", "Gagné / Perdu" }));
    }

    [Test]
    public async Task Reorder_OfATeamPipeline_KeepsOtherTeamsStagesInPlace()
    {
        var team1 = await Api.CreateStageAsync(new { name = "Métré", teamId = 1, position = 2 });
        var team2 = await Api.CreateStageAsync(new { name = "Appel", teamId = 2, position = 3 });
        var pipeline1 = (await Api.StagesAsync(teamId: 1)).Select(s => s.Id).ToList();
        var newOrder = pipeline1.Where(id => id != team1.Id).ToList();
        newOrder.Insert(4, team1.Id);

        await ReadAsync<Page<StageDto>>(await Api.PutAsync("/api/v1/stages/order", new { teamId = 1, stageIds = newOrder }));

        Assert.That((await Api.StagesAsync(teamId: 1)).Select(s => s.Id), Is.EqualTo(newOrder));
        // Shared stages follow team 1's new order; team 2's own stage keeps its slot between them.
        Assert.That((await Api.StagesAsync(teamId: 2)).Select(s => s.Name),
            Is.EqualTo(new[] { "Nouveau", "Estimation", "Visite Technique", "Appel", "Devis", "Gagné / Perdu" }));
        Assert.That((await Api.StagesAsync(teamId: 2)).Select(s => s.Id), Does.Not.Contain(team1.Id).And.Contain(team2.Id));
    }

    [Test]
    public async Task Reorder_WithAListThatIsNotExactlyThePipeline_Returns422AndChangesNothing()
    {
        var before = await Api.StagesAsync();
        var ids = before.Select(s => s.Id).ToList();

        var missing = await ProblemAsync(await Api.PutAsync("/api/v1/stages/order", new { stageIds = ids.Skip(1) }), HttpStatusCode.UnprocessableEntity, "order-mismatch");
        await ProblemAsync(await Api.PutAsync("/api/v1/stages/order", new { stageIds = ids.Append(ids[0]) }), HttpStatusCode.UnprocessableEntity, "order-mismatch");
        await ProblemAsync(await Api.PutAsync("/api/v1/stages/order", new { stageIds = ids.Append(999_999) }), HttpStatusCode.UnprocessableEntity, "order-mismatch");

        Assert.That(missing["missing"]!.AsArray().Select(n => (long)n!), Is.EqualTo(new[] { ids[0] }));
        Assert.That(await Api.StagesAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Delete_AnEmptyStage_Returns204AndItIsGone()
    {
        var relance = await Api.CreateStageAsync(new { name = "Relance" });

        Assert.That((await Api.DeleteAsync($"/api/v1/stages/{relance.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAsync(await Api.GetAsync($"/api/v1/stages/{relance.Id}"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task Delete_WhenTheStageHoldsOnlyAnArchivedOpportunity_Returns409WithTheCounts()
    {
        var estimation = await Api.CreateStageAsync(new { name = "Métré", position = 2 });
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Extension garage", stageId = estimation.Id });
        await ReadAsync<object>(await Api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/archive"));

        var problem = await ProblemAsync(await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}"), HttpStatusCode.Conflict, "stage-not-empty");

        Assert.That(((long?)problem["activeCount"], (long?)problem["archivedCount"]), Is.EqualTo(((long?)0, (long?)1)));
        Assert.That((string?)problem["detail"], Does.Contain("archived"));
        Assert.That((await Api.StagesAsync()).Select(s => s.Id), Does.Contain(estimation.Id));

        await Api.MoveAsync(opportunity.Id, (await Api.StageAsync("Nouveau")).Id);
        Assert.That((await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Delete_AStageAnAutomationRuleTargets_Returns409NamingTheRules()
    {
        var estimation = await Api.StageAsync("Estimation");
        var rules = await ReadAsync<Page<Pipeline.Api.Automation.AutomationRuleDto>>(await Api.GetAsync("/api/v1/automation-rules"));
        var targeting = rules.Items.Where(r => r.TargetStageId == estimation.Id).Select(r => r.Id).ToList();

        var problem = await ProblemAsync(await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}"), HttpStatusCode.Conflict, "stage-targeted-by-rules");

        Assert.That(problem["ruleIds"]!.AsArray().Select(n => (long)n!), Is.EqualTo(targeting).And.Not.Empty);
        foreach (var id in targeting) Assert.That((await Api.DeleteAsync($"/api/v1/automation-rules/{id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That((await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task Delete_TheClosingStage_Returns409()
    {
        var closing = await Api.StageAsync("Gagné / Perdu");

        await ProblemAsync(await Api.DeleteAsync($"/api/v1/stages/{closing.Id}"), HttpStatusCode.Conflict, "closing-stage");
    }

    [Test]
    public async Task Delete_WithMoveOpportunitiesTo_MovesThemAllWithHistoryAndRule3_ThenDeletes()
    {
        var estimation = await Api.CreateStageAsync(new { name = "Métré", probability = 20, autoProbability = true, position = 2 });
        var devis = await Api.StageAsync("Devis");
        var active = await Api.CreateOpportunityAsync(new { name = "Salle de bain", stageId = estimation.Id });
        var archived = await Api.CreateOpportunityAsync(new { name = "Cuisine", stageId = estimation.Id });
        await Api.PostAsync($"/api/v1/opportunities/{archived.Id}/archive");

        var response = await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}?moveOpportunitiesTo={devis.Id}");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        foreach (var id in new[] { active.Id, archived.Id })
        {
            var moved = await Api.OpportunityAsync(id);
            Assert.That((moved.StageId, moved.Probability), Is.EqualTo((devis.Id, 80m)));
            var last = (await Api.HistoryAsync(id)).Last();
            Assert.That((last.Cause, last.FromStageName, last.ToStageName, last.ProbabilityBefore, last.ProbabilityAfter),
                Is.EqualTo((Pipeline.Api.Rules.HistoryCause.StageDeleted, "Métré", "Devis", (decimal?)20m, 80m)));
        }
        await ProblemAsync(await Api.GetAsync($"/api/v1/stages/{estimation.Id}"), HttpStatusCode.NotFound, "not-found");
    }

    [Test]
    public async Task Delete_MovingToTheClosingStageOrToItself_Returns422AndKeepsTheStage()
    {
        var estimation = await Api.CreateStageAsync(new { name = "Métré", position = 2 });
        var closing = await Api.StageAsync("Gagné / Perdu");
        await Api.CreateOpportunityAsync(new { name = "Velux", stageId = estimation.Id });

        await ProblemAsync(await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}?moveOpportunitiesTo={closing.Id}"), HttpStatusCode.UnprocessableEntity, "invalid-move-target");
        await ProblemAsync(await Api.DeleteAsync($"/api/v1/stages/{estimation.Id}?moveOpportunitiesTo={estimation.Id}"), HttpStatusCode.UnprocessableEntity, "invalid-move-target");

        Assert.That((await Api.StagesAsync()).Select(s => s.Id), Does.Contain(estimation.Id));
    }

    [Test]
    public async Task ConcurrentMovesIntoAStageBeingDeleted_NeverGive5xxNorLeaveAnOrphan()
    {
        var nouveau = await Api.StageAsync("Nouveau");
        for (var round = 0; round < 5; round++)
        {
            var doomed = await Api.CreateStageAsync(new { name = $"Éphémère {round}" });
            var opportunities = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Api.CreateOpportunityAsync(new { name = $"Opp {round}-{i}" })));

            var moves = opportunities.Select(o => Api.PostAsync($"/api/v1/opportunities/{o.Id}/move", new { stageId = doomed.Id }));
            var delete = Api.DeleteAsync($"/api/v1/stages/{doomed.Id}");
            var responses = await Task.WhenAll(moves.Append(delete));

            Assert.That(responses.Select(r => (int)r.StatusCode), Has.All.LessThan(500));
            var deleted = responses.Last().StatusCode == HttpStatusCode.NoContent;
            var stageIds = (await Task.WhenAll(opportunities.Select(o => Api.OpportunityAsync(o.Id)))).Select(o => o.StageId).ToList();
            if (deleted)
            {
                Assert.That(stageIds, Has.None.EqualTo(doomed.Id), "an opportunity points at a deleted stage");
                Assert.That(stageIds, Has.All.EqualTo(nouveau.Id));
            }
            else
            {
                Assert.That(responses.Last().StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
                Assert.That(stageIds, Does.Contain(doomed.Id));
            }
        }
    }
}
