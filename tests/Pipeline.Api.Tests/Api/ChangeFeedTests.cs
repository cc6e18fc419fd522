using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Api.Changes;

namespace Pipeline.Api.Tests.Api;

/// <summary>The change feed: order, paging, filters, long poll, retention, and no skipped change under concurrent writers.</summary>
public sealed class ChangeFeedTests(DatabaseProvider provider) : ApiTest(provider)
{
    private async Task<ChangePage> FeedAsync(string query) => await ReadAsync<ChangePage>(await Api.GetAsync($"/api/v1/changes?{query}"));

    [Test]
    public async Task ANewTenantsFeed_StartsWithItsFiveStages_AndPagesBySequence()
    {
        await Api.StagesAsync();
        var first = await FeedAsync("limit=2");
        var rest = await FeedAsync($"after={first.LastSequence}");
        var end = await FeedAsync($"after={rest.LastSequence}");

        Assert.That(first.Items.Select(c => c.Sequence), Is.EqualTo(new long[] { 1, 2 }));
        Assert.That(first.LastSequence, Is.EqualTo(2), "a full page ends at its last item");
        Assert.That(rest.Items.Select(c => c.Sequence), Is.EqualTo(new long[] { 3, 4, 5 }));
        Assert.That(first.Items.Concat(rest.Items).Select(c => (c.Type, c.Data.GetProperty("actor").GetString())),
            Has.All.EqualTo(("stage.created", "system")));
        Assert.That(first.Items.Concat(rest.Items).Select(c => c.Data.GetProperty("stageName").GetString()),
            Is.EqualTo(new[] { "Nouveau", "Estimation", "Visite Technique", "Devis", "Gagné / Perdu" }));
        Assert.That((end.Items, end.LastSequence), Is.EqualTo((Array.Empty<ChangeDto>(), 5L)), "nothing new: the same position");
    }

    [Test]
    public async Task ATypesFilter_ReturnsOnlyThoseTypes_AndStillAdvancesPastTheOthers()
    {
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Toiture" });
        await Api.MoveAsync(opportunity.Id, (await Api.StageAsync("Devis")).Id);

        var moves = await FeedAsync("types=opportunity.stage_changed,opportunity.won");
        var none = await FeedAsync("types=opportunity.lost");

        Assert.That(moves.Items.Select(c => (c.Type, c.Data.GetProperty("toStageName").GetString())),
            Is.EqualTo(new[] { ("opportunity.stage_changed", "Devis") }));
        Assert.That(none.Items, Is.Empty);
        Assert.That(none.LastSequence, Is.EqualTo(moves.LastSequence).And.EqualTo(7), "5 stages, created, moved: read up to 7");
    }

    [TestCase("after=-1", "after")]
    [TestCase("limit=0", "limit")]
    [TestCase("limit=501", "limit")]
    [TestCase("types=opportunity.created,stage.renamed", "types")]
    [TestCase("wait=31", "wait")]
    [TestCase("after=abc", "after")]
    public async Task ABadQuery_Is400_NamingTheParameter(string query, string parameter)
    {
        var problem = await ProblemAsync(await Api.GetAsync($"/api/v1/changes?{query}"), HttpStatusCode.BadRequest, "validation");
        Assert.That(problem["errors"]!.AsObject().Select(e => e.Key), Is.EqualTo(new[] { parameter }), problem.ToJsonString());
    }

    [Test]
    public async Task ALongPoll_AnswersWithTheChangeThatArrivesWhileItWaits()
    {
        var position = (await FeedAsync("")).LastSequence;
        var poll = Api.GetAsync($"/api/v1/changes?after={position}&wait=20");
        await Task.Delay(300);
        Assert.That(poll.IsCompleted, Is.False, "nothing to answer yet");
        var created = await Api.CreateOpportunityAsync(new { name = "Véranda" });

        var page = await ReadAsync<ChangePage>(await poll);
        Assert.That(page.Items.Select(c => (c.Sequence, c.Data.GetProperty("opportunityId").GetInt64())), Is.EqualTo(new[] { (position + 1, created.Id) }));
    }

    /// <remarks>
    /// Seen failing with the sequences taken on a separate, immediately committed connection (the counter's row lock
    /// released before the writer's COMMIT, as an identity or a database sequence would): on PostgreSQL the reader
    /// saw only 65 to 91 of the 240 changes in 3 runs of 3 (it read the counter past sequences whose transactions had
    /// not committed yet, and never came back for them).
    /// </remarks>
    [Test]
    public async Task AReaderPollingWhileWritersCommit_SeesEveryChangeOnce_InSequenceOrder_NoneSkipped()
    {
        var start = (await FeedAsync("")).LastSequence;
        var devis = (await Api.StageAsync("Devis")).Id;
        using var stop = new CancellationTokenSource();
        var seen = new List<long>();
        var reader = Task.Run(async () =>
        {
            var after = start;
            while (true)
            {
                var done = stop.IsCancellationRequested;
                var page = await FeedAsync($"after={after}&limit=500");
                seen.AddRange(page.Items.Select(c => c.Sequence));
                after = page.LastSequence;
                if (done && page.Items.Count == 0) return;
            }
        });
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 15; i++)
            {
                var o = await Api.CreateOpportunityAsync(new { name = $"Chantier {w}.{i}", expectedRevenue = 1000 + i });
                await Api.MoveAsync(o.Id, devis);
            }
        }));
        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await reader;

        var total = (await FeedAsync($"after={start}&limit=500")).Items.Select(c => c.Sequence).ToList();
        Assert.That(total, Has.Count.EqualTo(8 * 15 * 2));
        Assert.That(seen, Is.EqualTo(total), "the reader saw every change, once, in order");
        Assert.That(total, Is.EqualTo(Enumerable.Range(1, total.Count).Select(i => start + i)), "sequences are gap-free");
    }

    [Test]
    public async Task ThePurge_DropsChangesPastTheirRetention_AndTheFeedStartsAtTheOldestKept()
    {
        await Api.CreateOpportunityAsync(new { name = "Ancien" });
        var dialect = (ISqlDialect)App.Services.GetService(typeof(ISqlDialect))!;
        var today = new ChangePurger(dialect, TimeProvider.System, Options.Create(new ChangesOptions()), NullLogger<ChangePurger>.Instance);
        var later = new ChangePurger(dialect, new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(31)),
            Options.Create(new ChangesOptions { PurgeBatchSize = 2 }), NullLogger<ChangePurger>.Instance);

        await today.PurgeAsync(CancellationToken.None);
        var kept = await FeedAsync("");
        await later.PurgeAsync(CancellationToken.None);
        var afterPurge = await FeedAsync("");
        var created = await Api.CreateOpportunityAsync(new { name = "Nouveau" });
        var next = await FeedAsync("");

        Assert.That(kept.Items, Has.Count.EqualTo(6), "within the retention, everything is kept");
        Assert.That((afterPurge.Items, afterPurge.LastSequence), Is.EqualTo((Array.Empty<ChangeDto>(), 6L)));
        Assert.That(next.Items.Select(c => (c.Sequence, c.Data.GetProperty("opportunityId").GetInt64())), Is.EqualTo(new[] { (7L, created.Id) }),
            "the counter goes on from where it was");
    }
}
