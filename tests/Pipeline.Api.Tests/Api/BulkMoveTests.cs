using Pipeline.Api.Opportunities;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Tests.Api;

/// <summary>A bulk move is a move, n times, in one transaction: every rule applied to each, all or nothing, set-based.</summary>
public sealed class BulkMoveTests(DatabaseProvider provider) : ApiTest(provider)
{
    [TestCase(1)]
    [TestCase(40)]
    [TestCase(500)]
    public async Task ManyOpportunities_MoveIntoAnAutomaticStage_EachWithItsProbabilityAndHistory(int count)
    {
        var opportunities = await CreateAsync(count);
        await Api.PutAsync($"/api/v1/opportunities/{opportunities[0].Id}/probability", new { probability = 33 });
        var devis = await Api.StageAsync("Devis");

        var outcome = await ReadAsync<BulkMoveOutcome>(await BulkMoveAsync(opportunities.Select(o => o.Id), devis.Id));

        Assert.That((outcome.Moved, outcome.Unchanged), Is.EqualTo((count, 0)));
        Assert.That(outcome.Items.Select(i => i.Id), Is.EqualTo(opportunities.Select(o => o.Id)), "in the order asked");
        var after = await InStageAsync(devis.Id);
        Assert.That(after, Has.Count.EqualTo(count));
        Assert.That(after.Select(o => (o.Probability, o.ProbabilitySource)), Has.All.EqualTo((80m, ProbabilitySource.Stage)), "rule 3, manual ones too");
        Assert.That(outcome.Items.Select(i => i.Version), Is.EqualTo(after.OrderBy(o => opportunities.FindIndex(x => x.Id == o.Id)).Select(o => o.Version)));
        var history = await Api.HistoryAsync(opportunities[^1].Id);
        Assert.That((history[^1].Cause, history[^1].FromStageName, history[^1].ToStageName, history[^1].ProbabilityAfter),
            Is.EqualTo((HistoryCause.Moved, "Nouveau", "Devis", 80m)));
    }

    [Test]
    public async Task TheStatementCount_IsTheSameForOneAndFiveHundred()
    {
        var devis = await Api.StageAsync("Devis");
        var one = await CreateAsync(1);
        var many = await CreateAsync(500);

        var forOne = await CountStatementsAsync(() => BulkMoveAsync(one.Select(o => o.Id), devis.Id));
        var forMany = await CountStatementsAsync(() => BulkMoveAsync(many.Select(o => o.Id), devis.Id));

        Assert.That(forMany, Is.EqualTo(forOne));
        // Lock, load, history, move, then the outbox: counter, changes, webhooks (and their deliveries when there are some).
        Assert.That(forOne, Is.LessThanOrEqualTo(10), "a handful of set-based statements");
    }

    [Test]
    public async Task AnyOpportunityThatCannotMove_RefusesTheWholeMove_NamingEachOne()
    {
        var team1Stage = await Api.CreateStageAsync(new { name = "Métré équipe 1", teamId = 1 });
        var fine = await CreateAsync(3, teamId: 1);
        var ofTeam2 = await Api.CreateOpportunityAsync(new { name = "Équipe 2", teamId = 2 });
        var won = await Api.CreateOpportunityAsync(new { name = "Gagnée", teamId = 1 });
        await Api.PostAsync($"/api/v1/opportunities/{won.Id}/won");
        var foreign = await As($"t-{Guid.NewGuid():N}", "pipeline.write").CreateOpportunityAsync(new { name = "Autre client" });

        var response = await BulkMoveAsync([fine[0].Id, ofTeam2.Id, won.Id, foreign.Id, fine[1].Id], team1Stage.Id);

        var problem = await ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "bulk-move-refused");
        var problems = problem["problems"]!.AsArray().Select(p => ((long)p!["id"]!, ((string)p["type"]!).Split('/')[^1])).ToList();
        Assert.That(problems, Is.EqualTo(new[] { (ofTeam2.Id, "stage-outside-pipeline"), (won.Id, "opportunity-closed"), (foreign.Id, "not-found") }));
        Assert.That((await InStageAsync(team1Stage.Id)), Is.Empty, "nothing moved");
        Assert.That((await Api.OpportunityAsync(fine[0].Id)).Version, Is.EqualTo(1));
    }

    [Test]
    public async Task IntoTheClosingStage_WonAndLost_AsTheSingleCommandsDo()
    {
        var closing = (await Api.StagesAsync()).Single(s => s.IsClosing);
        var toWin = await CreateAsync(2);
        var toLose = await CreateAsync(2);

        await ReadAsync<BulkMoveOutcome>(await BulkMoveAsync(toWin.Select(o => o.Id), closing.Id, outcome: "won"));
        await ReadAsync<BulkMoveOutcome>(await BulkMoveAsync(toLose.Select(o => o.Id), closing.Id, outcome: "lost", lostReason: "Projet reporté"));
        var refused = await BulkMoveAsync(toWin.Select(o => o.Id), closing.Id);

        var winners = await Task.WhenAll(toWin.Select(o => Api.OpportunityAsync(o.Id)));
        var losers = await Task.WhenAll(toLose.Select(o => Api.OpportunityAsync(o.Id)));
        Assert.That(winners.Select(o => (o.Outcome, o.Probability, o.Active)), Has.All.EqualTo((Outcome.Won, 100m, true)));
        Assert.That(losers.Select(o => (o.Outcome, o.Probability, o.Active, o.LostReason)), Has.All.EqualTo((Outcome.Lost, 0m, false, "Projet reporté")));
        Assert.That((await Api.HistoryAsync(toLose[0].Id))[^1].Cause, Is.EqualTo(HistoryCause.Lost));
        await ProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "outcome-required");
        await ProblemAsync(await BulkMoveAsync([toWin[0].Id], closing.Id, outcome: "lost"), HttpStatusCode.UnprocessableEntity, "lost-reason-required");
    }

    [Test]
    public async Task AlreadyThere_IsUnchanged_AndRepeatedIdsAre400()
    {
        var estimation = await Api.StageAsync("Estimation");
        var opportunities = await CreateAsync(2);
        await Api.MoveAsync(opportunities[0].Id, estimation.Id);

        var outcome = await ReadAsync<BulkMoveOutcome>(await BulkMoveAsync(opportunities.Select(o => o.Id), estimation.Id));

        Assert.That(outcome.Items.Select(i => i.Result), Is.EqualTo(new[] { BulkMoveResult.Unchanged, BulkMoveResult.Moved }));
        Assert.That((await Api.HistoryAsync(opportunities[0].Id)).Count(h => h.ToStageName == "Estimation"), Is.EqualTo(1));
        await ProblemAsync(await BulkMoveAsync([opportunities[1].Id, opportunities[1].Id], estimation.Id), HttpStatusCode.BadRequest, "validation");
    }

    /// <remarks>The deletion takes the stage lock exclusively, the bulk move in shared mode: one of them goes first, whole.</remarks>
    [Test]
    public async Task ABulkMoveRacingTheDeletionOfItsTarget_LeavesNoOrphanAndNoHalfMove()
    {
        for (var round = 0; round < 4; round++)
        {
            var stage = await Api.CreateStageAsync(new { name = $"Cible {round}" });
            var opportunities = await CreateAsync(30);

            var move = BulkMoveAsync(opportunities.Select(o => o.Id), stage.Id);
            var delete = Api.DeleteAsync($"/api/v1/stages/{stage.Id}");
            await Task.WhenAll(move, delete);

            if (delete.Result.StatusCode == HttpStatusCode.NoContent)
                await ProblemAsync(move.Result, HttpStatusCode.UnprocessableEntity, "unknown-stage");
            else
            {
                Assert.That(move.Result.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"round {round}");
                var guard = await ProblemAsync(delete.Result, HttpStatusCode.Conflict, "stage-not-empty");
                Assert.That((long)guard["activeCount"]!, Is.EqualTo(30), "the guard counted the whole move");
                Assert.That(await InStageAsync(stage.Id), Has.Count.EqualTo(30));
            }
        }
    }

    private Task<HttpResponseMessage> BulkMoveAsync(IEnumerable<long> ids, long stageId, string? outcome = null, string? lostReason = null) =>
        Api.PostAsync("/api/v1/opportunities/bulk-move", new { opportunityIds = ids.ToArray(), stageId, outcome, lostReason });

    private async Task<List<OpportunityDto>> CreateAsync(int count, long? teamId = null)
    {
        var created = new List<OpportunityDto>();
        foreach (var chunk in Enumerable.Range(0, count).Chunk(25))
            created.AddRange(await Task.WhenAll(chunk.Select(i => Api.CreateOpportunityAsync(new { name = $"Lot {i}", teamId }))));
        return created;
    }

    private async Task<List<OpportunityDto>> InStageAsync(long stageId)
    {
        var all = new List<OpportunityDto>();
        foreach (var archived in new[] { false, true })
        {
            string? cursor = null;
            do
            {
                var page = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync(
                    $"/api/v1/opportunities?stageId={stageId}&archived={archived}&limit=100{(cursor is null ? "" : $"&cursor={cursor}")}"));
                all.AddRange(page.Items);
                cursor = page.NextCursor;
            } while (cursor is not null);
        }
        return all;
    }

    private static async Task<int> CountStatementsAsync(Func<Task<HttpResponseMessage>> call)
    {
        using var statements = new Spans(DbTelemetry.SourceName);
        (await call()).EnsureSuccessStatusCode();
        return statements.Stopped.Count;
    }
}
