using System.Diagnostics;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Reports;

namespace Pipeline.Api.Tests.Api;

public sealed class BoardTests(DatabaseProvider provider) : ApiTest(provider)
{
    private async Task<Board> BoardAsync(string query = "") => await ReadAsync<Board>(await Api.GetAsync($"/api/v1/pipeline{query}"));

    [Test]
    public async Task CountsAndSums_MatchAHandComputation_ToTheCent()
    {
        var stages = await Api.StagesAsync();
        var (nouveau, devis) = (stages[0], stages[3]);
        (decimal Revenue, long Stage, decimal? Manual)[] open =
        [
            (1234.56m, nouveau.Id, null), (0.01m, nouveau.Id, null), (999.99m, nouveau.Id, null), (0.05m, nouveau.Id, 33.33m),
            (333.33m, devis.Id, null), (100.01m, devis.Id, 12.34m), (7.77m, devis.Id, null),
        ];
        foreach (var (revenue, stage, manual) in open)
        {
            var o = await Api.CreateOpportunityAsync(new { name = $"Lot {revenue}", expectedRevenue = revenue, stageId = stage });
            if (manual is { } p) await Api.PutAsync($"/api/v1/opportunities/{o.Id}/probability", new { probability = p });
        }
        var archived = await Api.CreateOpportunityAsync(new { name = "Archivé", expectedRevenue = 5000m, stageId = devis.Id });
        await Api.PostAsync($"/api/v1/opportunities/{archived.Id}/archive");
        var won = await Api.CreateOpportunityAsync(new { name = "Gagné", expectedRevenue = 2500.50m });
        await Api.PostAsync($"/api/v1/opportunities/{won.Id}/won");
        var lost = await Api.CreateOpportunityAsync(new { name = "Perdu", expectedRevenue = 9999m });
        await Api.PostAsync($"/api/v1/opportunities/{lost.Id}/lost", new { reason = "Concurrent" });

        var board = await BoardAsync();

        // By hand: Nouveau 1234.56×10% + 0.01×10% + 999.99×10% + 0.05×33.33% = 123.456 + 0.001 + 99.999 + 0.016665 = 223.472665 → 223.47
        //          Devis 333.33×80% + 100.01×12.34% + 7.77×80% = 266.664 + 12.341234 + 6.216 = 285.221234 → 285.22; closing 2500.50×100%
        var column = board.Columns.ToDictionary(c => c.Name);
        Assert.That((column["Nouveau"].Count, column["Nouveau"].ExpectedRevenue, column["Nouveau"].WeightedRevenue), Is.EqualTo((4L, 2234.61m, 223.47m)));
        Assert.That((column["Devis"].Count, column["Devis"].ExpectedRevenue, column["Devis"].WeightedRevenue), Is.EqualTo((3L, 441.11m, 285.22m)));
        Assert.That((column["Gagné / Perdu"].Count, column["Gagné / Perdu"].ExpectedRevenue, column["Gagné / Perdu"].WeightedRevenue), Is.EqualTo((1L, 2500.50m, 2500.50m)));
        Assert.That((board.Count, board.ExpectedRevenue, board.WeightedRevenue), Is.EqualTo((8L, 5176.22m, 3009.19m)));
        Assert.That(board.Columns.SelectMany(c => c.Cards).Select(c => c.Id), Does.Not.Contain(archived.Id).And.Not.Contain(lost.Id));
        Assert.That(board.Columns.Select(c => c.Name), Is.EqualTo(stages.Select(s => s.Name)));
    }

    [Test]
    public async Task FoldedColumns_ShowCountsButNoCards_AndColumnsPageTheirCards()
    {
        var stages = await Api.StagesAsync();
        for (var i = 0; i < 5; i++) await Api.CreateOpportunityAsync(new { name = $"N{i}" });
        for (var i = 0; i < 2; i++) await Api.CreateOpportunityAsync(new { name = $"E{i}", stageId = stages[1].Id });
        await Api.PutAsync($"/api/v1/stages/{stages[1].Id}/fold", new { folded = true });

        var board = await BoardAsync("?cardsPerStage=2");
        var nouveau = board.Columns[0];
        var rest = await ReadAsync<Page<BoardCard>>(await Api.GetAsync($"/api/v1/pipeline/stages/{nouveau.Id}/cards?cursor={nouveau.NextCursor}"));

        Assert.That((board.Columns[1].Folded, board.Columns[1].Count, board.Columns[1].Cards.Count, board.Columns[1].NextCursor), Is.EqualTo((true, 2L, 0, (string?)null)));
        Assert.That(nouveau.Cards.Select(c => c.Name), Is.EqualTo(new[] { "N0", "N1" }));
        Assert.That(rest.Items.Select(c => c.Name), Is.EqualTo(new[] { "N2", "N3", "N4" }));
        Assert.That(rest.NextCursor, Is.Null);
    }

    [Test]
    public async Task ATeamsBoard_ShowsItsPipelineAndItsOpportunitiesOnly()
    {
        var teamStage = await Api.CreateStageAsync(new { name = "Métré", teamId = 3, position = 2 });
        await Api.CreateStageAsync(new { name = "Autre équipe", teamId = 4 });
        await Api.CreateOpportunityAsync(new { name = "Équipe 3", teamId = 3, stageId = teamStage.Id, expectedRevenue = 100m });
        await Api.CreateOpportunityAsync(new { name = "Équipe 4", teamId = 4, expectedRevenue = 200m });

        var board = await BoardAsync("?teamId=3");

        Assert.That(board.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Nouveau", "Métré", "Estimation", "Visite Technique", "Devis", "Gagné / Perdu" }));
        Assert.That((board.Count, board.ExpectedRevenue), Is.EqualTo((1L, 100m)));
    }

    [TestCase("?cardsPerStage=0")]
    [TestCase("?cardsPerStage=101")]
    [TestCase("?teamId=abc")]
    public async Task BadBoardParameters_Return400(string query) =>
        await ProblemAsync(await Api.GetAsync($"/api/v1/pipeline{query}"), HttpStatusCode.BadRequest, "validation");

    /// <summary>
    /// Stages, the change sequence, the totals (counted: nothing is remembered for a new sequence) and the cards,
    /// whatever the number of opportunities; the same board again, with no change in between, skips the totals.
    /// </summary>
    [Test]
    public async Task TheBoard_UsesAFixedNumberOfStatements_At100kOpportunities()
    {
        await Api.StagesAsync();
        var small = await CountStatementsAsync(() => BoardAsync());
        for (var i = 0; i < 6; i++) await Api.CreateStageAsync(new { name = $"Colonne {i}" });
        await SeedAsync(100_000);

        var watch = Stopwatch.StartNew();
        var large = await CountStatementsAsync(async () =>
        {
            var board = await BoardAsync("?cardsPerStage=100");
            Assert.That(board.Count, Is.EqualTo(100_000));
            Assert.That(board.Columns.Where(c => !c.Folded && c.Count > 0).Select(c => c.Cards.Count), Has.All.EqualTo(100));
            return board;
        });
        TestContext.Out.WriteLine($"board over 100k opportunities and 11 columns: {watch.ElapsedMilliseconds} ms, {large} statements");
        var again = await CountStatementsAsync(() => BoardAsync("?cardsPerStage=100"));

        Assert.That(large, Is.EqualTo(small).And.EqualTo(4));
        Assert.That(again, Is.EqualTo(3), "no change since: the totals are the ones just counted");
    }

    [Test]
    public async Task RememberedTotals_AreCountedAgainAfterEveryChange_ExactToTheCent()
    {
        var devis = await Api.StageAsync("Devis");
        var a = await Api.CreateOpportunityAsync(new { name = "A", expectedRevenue = 1000.10m });
        var b = await Api.CreateOpportunityAsync(new { name = "B", expectedRevenue = 333.33m });
        var before = await BoardAsync();
        await Api.MoveAsync(a.Id, devis.Id);
        var moved = await BoardAsync();
        await ReadAsync<OpportunityDto>(await Api.PatchAsync($"/api/v1/opportunities/{b.Id}", new { expectedRevenue = 333.34m }));
        var revised = await BoardAsync();
        await ReadAsync<OpportunityDto>(await Api.PostAsync($"/api/v1/opportunities/{b.Id}/archive"));
        var archived = await BoardAsync();

        Assert.That((before.Count, before.ExpectedRevenue, before.WeightedRevenue), Is.EqualTo((2L, 1333.43m, 133.34m)));
        Assert.That(moved.Columns.Single(c => c.Id == devis.Id).Count, Is.EqualTo(1));
        Assert.That(moved.WeightedRevenue, Is.EqualTo(833.41m), "1000.10 × 80 % + 333.33 × 10 %");
        Assert.That(revised.ExpectedRevenue, Is.EqualTo(1333.44m));
        Assert.That((archived.Count, archived.ExpectedRevenue), Is.EqualTo((1L, 1000.10m)));
    }

    private static async Task<int> CountStatementsAsync<T>(Func<Task<T>> call)
    {
        using var statements = new Spans(DbTelemetry.SourceName);
        await call();
        return statements.Stopped.Count;
    }

    /// <summary>Set-based seeding straight into the database, spread evenly over the tenant's open stages.</summary>
    private async Task SeedAsync(int count)
    {
        const string insert = """
            , open_stages(Id, k) AS (SELECT Id, ROW_NUMBER() OVER (ORDER BY Sequence, Id) - 1 FROM Stages WHERE TenantId = @TenantId AND IsClosing = 0)
            INSERT INTO Opportunities (TenantId, Name, TeamId, StageId, ProbabilityBp, ProbabilitySource, ExpectedRevenueCents, Active, Outcome,
                                       StageChangedAtMs, Version, CreatedAtMs, UpdatedAtMs)
            SELECT @TenantId, 'Seed', NULL, s.Id, 1000, 'stage', seq.n * 100 % 1000000, 1, 'open', 0, 1, 0, 0
            FROM seq JOIN open_stages s ON s.k = seq.n % (SELECT COUNT(*) FROM open_stages)
            """;
        var parameters = new { Count = count, TenantId = Tenant };
        if (App.Provider == DatabaseProvider.Sqlite)
        {
            await using var sqlite = new SqliteConnection(App.ConnectionString);
            await sqlite.ExecuteAsync("WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < @Count)" + insert, parameters);
        }
        else if (App.Provider == DatabaseProvider.PostgreSql)
        {
            await using var postgres = new Npgsql.NpgsqlConnection(App.ConnectionString);
            await postgres.ExecuteAsync("WITH seq(n) AS (SELECT generate_series(1, @Count))" + insert, parameters, commandTimeout: 300);
        }
        else
        {
            await using var sql = new SqlConnection(App.ConnectionString);
            await sql.ExecuteAsync("WITH seq(n) AS (SELECT TOP (@Count) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) FROM sys.all_objects a CROSS JOIN sys.all_objects b)"
                                   + insert, parameters, commandTimeout: 300);
        }
    }
}
