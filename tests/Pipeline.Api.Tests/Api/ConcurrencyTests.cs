using System.Text.Json.Nodes;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// Races, run on every engine. SQLite runs one writer at a time, so there they only prove the answers; PostgreSQL
/// runs the transactions side by side at read committed, so there they prove the rules hold when transactions
/// truly interleave. The stage races were run with the shared stage lock taken out to see them fire; the comment
/// on each says how often they did.
/// </summary>
public sealed class ConcurrencyTests(DatabaseProvider provider) : ApiTest(provider)
{
    /// <summary>
    /// One probability change per round, in the middle of the moves: a later change would reassign every follower
    /// and hide an earlier race, so each round has exactly one.
    /// </summary>
    /// <remarks>
    /// Seen failing without the shared stage lock (IReadsStages taking none): 5 runs of 5 on PostgreSQL, in rounds 0 to 3;
    /// moves that read the stage at 30 % committed after the change reassigned 45 %.
    /// </remarks>
    [Test]
    public async Task SetProbability_RacingMovesIntoTheStage_LeavesEveryFollowerAtTheStagesProbability()
    {
        for (var round = 0; round < 8; round++)
        {
            var relance = await Api.CreateStageAsync(new { name = $"Relance {round}", probability = 30, autoProbability = true });
            var opportunities = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Api.CreateOpportunityAsync(new { name = $"Chantier {i}" })));

            var moves = opportunities.Select(o => Api.PostAsync($"/api/v1/opportunities/{o.Id}/move", new { stageId = relance.Id })).ToList();
            var change = Api.PutAsync($"/api/v1/stages/{relance.Id}/probability", new { probability = 45 });
            var answers = await Task.WhenAll(moves.Append(change));

            Assert.That(answers.Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
            var inStage = await OpportunitiesInAsync(relance.Id);
            Assert.That(inStage, Has.Count.EqualTo(30));
            Assert.That(inStage.Select(o => (o.Probability, o.ProbabilitySource)), Has.All.EqualTo((45m, ProbabilitySource.Stage)),
                $"round {round}: rule 5");
        }
    }

    /// <remarks>Seen failing without the shared stage lock: 4 runs of 5 on PostgreSQL left team 2 opportunities in a team 1 stage.</remarks>
    [Test]
    public async Task ATeamChange_RacingMovesOfAnotherTeam_NeverLeavesAnOpportunityOutsideItsPipeline()
    {
        for (var round = 0; round < 5; round++)
        {
            var stage = await Api.CreateStageAsync(new { name = $"Métré {round}" });
            var movers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Api.CreateOpportunityAsync(new { name = $"O{round}.{i}", teamId = 2 })));

            var moves = movers.Select(o => Api.PostAsync($"/api/v1/opportunities/{o.Id}/move", new { stageId = stage.Id }));
            var teamChange = Api.PatchAsync($"/api/v1/stages/{stage.Id}", new { teamId = 1 });
            var answers = await Task.WhenAll(moves.Append(teamChange));

            Assert.That(answers.Select(a => (int)a.StatusCode), Has.All.AnyOf(200, 409, 422));
            var after = await ReadAsync<StageDto>(await Api.GetAsync($"/api/v1/stages/{stage.Id}"));
            var inStage = await OpportunitiesInAsync(stage.Id);
            Assert.That(inStage.Where(o => after.TeamId is not null && o.TeamId != after.TeamId), Is.Empty,
                $"round {round}: the stage belongs to team {after.TeamId}");
        }
    }

    /// <remarks>
    /// Seen failing without the shared stage lock: 3 runs of 5 on PostgreSQL. The foreign key still refused the orphan,
    /// but the mover got a bare 409 "conflict" instead of the stage's fate (moved, or 422 unknown-stage).
    /// </remarks>
    [Test]
    public async Task ADeletion_RacingMovesIntoTheStage_LeavesNoOrphan_AndCountsWhatItRefusedFor()
    {
        for (var round = 0; round < 5; round++)
        {
            var stage = await Api.CreateStageAsync(new { name = $"Éphémère {round}" });
            var movers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Api.CreateOpportunityAsync(new { name = $"O{round}.{i}" })));

            var moves = movers.Select(o => Api.PostAsync($"/api/v1/opportunities/{o.Id}/move", new { stageId = stage.Id })).ToList();
            var delete = Api.DeleteAsync($"/api/v1/stages/{stage.Id}");
            await Task.WhenAll(moves.Append(delete));

            var moved = moves.Count(m => m.Result.StatusCode == HttpStatusCode.OK);
            Assert.That(moves.Select(m => (int)m.Result.StatusCode), Has.All.AnyOf(200, 422), "a move either lands or finds the stage gone");
            if (delete.Result.StatusCode == HttpStatusCode.NoContent)
            {
                Assert.That(moved, Is.Zero, $"round {round}: the stage was deleted, so every move must have found it gone");
                Assert.That((await Api.GetAsync($"/api/v1/stages/{stage.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            }
            else
            {
                var problem = await ProblemAsync(delete.Result, HttpStatusCode.Conflict, "stage-not-empty");
                Assert.That((long)problem["activeCount"]!, Is.InRange(1, moved), $"round {round}: counted at the time of the refusal");
                Assert.That(await OpportunitiesInAsync(stage.Id), Has.Count.EqualTo(moved));
            }
        }
    }

    /// <remarks>Optimistic concurrency: the version is checked by the UPDATE itself, so exactly one wins on every engine.</remarks>
    [Test]
    public async Task AHundredWritersWithTheSameIfMatch_ExactlyOneWins()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Convoité" });

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            Api.PutAsync($"/api/v1/opportunities/{opportunity.Id}/probability", new { probability = i % 100 }, ifMatch: "\"1\"")));

        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.OK), Is.EqualTo(1));
        Assert.That(answers.Count(a => a.StatusCode == HttpStatusCode.PreconditionFailed), Is.EqualTo(99));
        Assert.That((await Api.OpportunityAsync(opportunity.Id)).Version, Is.EqualTo(2));
    }

    /// <remarks>The losers of the race hit the inbox key, run their unit again and answer what the winner stored.</remarks>
    [Test]
    public async Task TheSameEventTwentyTimesAtOnce_MovesOnce_AndEveryAnswerIsTheSame()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Toiture" });
        var body = new { eventId = $"devis-{Guid.NewGuid():N}", type = "quote.issued", opportunityId = opportunity.Id, occurredAt = "2026-11-29T09:30:00Z" };

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Api.PostAsync("/api/v1/events", body)));
        var texts = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));

        Assert.That(answers.Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.OK), texts[0]);
        Assert.That(texts.Distinct(), Has.Exactly(1).Items);
        Assert.That((await Api.HistoryAsync(opportunity.Id)).Count(h => h.Cause == HistoryCause.Automation), Is.EqualTo(1));
    }

    /// <remarks>A new tenant's first requests all provision at once; the tenant's key makes one of them win.</remarks>
    [Test]
    public async Task ANewTenantsFirstSixteenRequestsAtOnce_ProvisionFiveStagesAndFourRulesOnce()
    {
        var tenant = $"burst-{Guid.NewGuid():N}";
        var clients = Enumerable.Range(0, 16).Select(_ => As(tenant, "pipeline.admin")).ToList();

        var answers = await Task.WhenAll(clients.Select((c, i) => i % 2 == 0 ? c.GetAsync("/api/v1/stages") : c.GetAsync("/api/v1/automation-rules")));

        Assert.That(answers.Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.OK));
        Assert.That(await clients[0].StagesAsync(), Has.Count.EqualTo(5));
        var rules = JsonNode.Parse(await (await clients[0].GetAsync("/api/v1/automation-rules")).Content.ReadAsStringAsync())!["items"]!.AsArray();
        Assert.That(rules, Has.Count.EqualTo(4));
    }

    /// <remarks>The losers hit the key's unique index, run their unit again and answer what the winner stored.</remarks>
    [Test]
    public async Task TheSameIdempotencyKeyTwentyTimesAtOnce_CreatesOneOpportunity_AndAnswersTheSame()
    {
        var key = $"creation-{Guid.NewGuid():N}";
        var requests = Enumerable.Range(0, 20).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/opportunities")
            {
                Content = System.Net.Http.Json.JsonContent.Create(new { name = "Extension garage", expectedRevenue = 12500.50m }),
            };
            request.Headers.Add("Idempotency-Key", key);
            return Api.Http.SendAsync(request);
        });

        var answers = await Task.WhenAll(requests);
        var texts = await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()));

        Assert.That(answers.Select(a => a.StatusCode), Has.All.EqualTo(HttpStatusCode.Created), texts[0]);
        Assert.That(texts.Distinct(), Has.Exactly(1).Items);
        Assert.That(answers.Select(a => a.Headers.Location?.ToString()).Distinct(), Has.Exactly(1).Items);
        var all = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync("/api/v1/opportunities?limit=100"));
        Assert.That(all.Items.Count(o => o.Name == "Extension garage"), Is.EqualTo(1));
    }

    private async Task<List<OpportunityDto>> OpportunitiesInAsync(long stageId)
    {
        var active = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync($"/api/v1/opportunities?stageId={stageId}&limit=100"));
        var archived = await ReadAsync<Page<OpportunityDto>>(await Api.GetAsync($"/api/v1/opportunities?stageId={stageId}&archived=true&limit=100"));
        return [.. active.Items, .. archived.Items];
    }
}
