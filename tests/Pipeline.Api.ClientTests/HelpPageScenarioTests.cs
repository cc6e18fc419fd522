using Pipeline.Api.Client;
using Pipeline.Api.Data;
using Pipeline.Api.Tests.Infrastructure;

namespace Pipeline.Api.ClientTests;

/// <summary>
/// The help page's scenario through the client NSwag generates from the committed openapi.yaml, against the
/// running service: what an integrator's code would do, typed errors included.
/// </summary>
public sealed class HelpPageScenarioTests
{
    private PipelineApp _app = null!;
    private PipelineClient _client = null!;

    [OneTimeSetUp]
    public async Task Start() => _app = await PipelineApps.GetAsync(DatabaseProvider.Sqlite);

    [SetUp]
    public void NewTenant() => _client = new PipelineClient(_app.ClientFor($"client-{Guid.NewGuid():N}", "pipeline.admin"));

    [Test]
    public async Task DefaultsAddAColumnMoveSetProbability_ThroughTheGeneratedClient()
    {
        var stages = (await _client.ListStagesAsync()).Items.ToList();
        Assert.That(stages.Select(s => (s.Name, s.Probability)), Is.EqualTo(new (string, decimal?)[]
        {
            ("Nouveau", 10m), ("Estimation", 20m), ("Visite Technique", 50m), ("Devis", 80m), ("Gagné / Perdu", null),
        }));
        var devis = stages.Single(s => s.Name == "Devis");

        var column = await _client.CreateStageAsync(new CreateStageBody { Name = "Relance", Probability = 30m, AutoProbability = true });
        var folded = await _client.FoldStageAsync(column.Id, new FoldStageBody { Folded = true });
        var opportunity = await _client.CreateOpportunityAsync(new CreateOpportunityBody { Name = "Rénovation toiture – Dupont", ExpectedRevenue = 18450.00m });
        var moved = await _client.MoveOpportunityAsync(opportunity.Id, new MoveOpportunityBody { StageId = devis.Id });
        var reassigned = await _client.SetProbabilityAsync(devis.Id, new SetProbabilityBody { Probability = 75m });
        var board = await _client.GetBoardAsync();

        Assert.That((column.Name, column.Sequence, folded.Folded), Is.EqualTo(("Relance", 5, true)));
        Assert.That((moved.StageId, moved.Probability, moved.ProbabilitySource), Is.EqualTo((devis.Id, 80m, ProbabilitySource.Stage)));
        Assert.That((reassigned.Probability, reassigned.Reassigned), Is.EqualTo(((decimal?)75m, (int?)1)));
        Assert.That((await _client.GetOpportunityAsync(opportunity.Id)).Probability, Is.EqualTo(75m));
        Assert.That(board.Columns.Single(c => c.Id == devis.Id).WeightedRevenue, Is.EqualTo(13837.50m));
    }

    [Test]
    public async Task TheDeletionGuard_SurfacesAsATypedErrorWithTheCounts()
    {
        var column = await _client.CreateStageAsync(new CreateStageBody { Name = "Métré" });
        var opportunity = await _client.CreateOpportunityAsync(new CreateOpportunityBody { Name = "Extension", StageId = column.Id });
        await _client.ArchiveOpportunityAsync(opportunity.Id);

        var error = Assert.ThrowsAsync<ApiException<StageDeletionProblem>>(() => _client.DeleteStageAsync(column.Id));

        Assert.That(error!.StatusCode, Is.EqualTo(409));
        Assert.That((error.Result.ActiveCount, error.Result.ArchivedCount), Is.EqualTo(((long?)0, (long?)1)));
        Assert.That(error.Result.Type, Does.EndWith("/stage-not-empty"));
        await _client.DeleteStageAsync(column.Id, moveOpportunitiesTo: (await _client.ListStagesAsync()).Items.First().Id);
        Assert.That((await _client.GetOpportunityAsync(opportunity.Id)).Active, Is.False, "moved, still archived");
    }

    [Test]
    public async Task ProblemsSurfaceAsTypedErrors()
    {
        var notFound = Assert.ThrowsAsync<ApiException<ProblemDetails>>(() => _client.GetStageAsync(999_999_999));
        var invalid = Assert.ThrowsAsync<ApiException<HttpValidationProblemDetails>>(() => _client.CreateStageAsync(new CreateStageBody { Name = "" }));

        Assert.That((notFound!.StatusCode, notFound.Result.Type), Is.EqualTo((404, "https://docs.openfire.fr/pipeline/problems/not-found")));
        Assert.That(invalid!.Result.Errors.Keys, Does.Contain("name"));
    }

    [Test]
    public async Task EventsMoveOpportunities_ThroughTheGeneratedClient()
    {
        var opportunity = await _client.CreateOpportunityAsync(new CreateOpportunityBody { Name = "Isolation" });

        var outcome = await _client.IngestEventAsync(new IngestEventBody
        {
            EventId = "devis-2026-0412", Type = "quote.issued", OpportunityId = opportunity.Id, OccurredAt = DateTimeOffset.UtcNow,
        });

        Assert.That((outcome.Outcome, outcome.Probability), Is.EqualTo((EventResult.Moved, (decimal?)80m)));
    }
}
