namespace Pipeline.Api.Tests.Contract;

/// <summary>openapi.yaml at the repository root is the contract: it must be exactly what the service serves.</summary>
public sealed class OpenApiContractTests
{
    [Test]
    public async Task TheCommittedOpenApiYaml_IsWhatTheServiceServes()
    {
        var app = await PipelineApps.GetAsync(DatabaseProvider.Sqlite);
        var served = await app.WithToken(null).GetStringAsync("/swagger/v1/swagger.yaml");
        var committed = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "openapi.yaml"));

        Assert.That(Normalize(committed), Is.EqualTo(Normalize(served)),
            "openapi.yaml is out of date: regenerate it with `pwsh ./build.ps1` (or `dotnet tool restore && dotnet swagger tofile --yaml --output openapi.yaml <Pipeline.Api.dll> v1`) and commit it.");
    }

    [Test]
    public async Task EveryOperation_IsNamedAfterItsCommand()
    {
        var app = await PipelineApps.GetAsync(DatabaseProvider.Sqlite);
        var served = await app.WithToken(null).GetStringAsync("/swagger/v1/swagger.yaml");

        foreach (var command in new[] { "CreateStage", "RenameStage", "FoldStage", "SetProbability", "ReorderStages", "DeleteStage", "EditStage", "MoveOpportunity", "MarkWon", "MarkLost", "ReopenOpportunity" })
            Assert.That(served, Does.Contain($"operationId: {command}\n"), command);
    }

    [Test]
    public async Task EveryOperation_IsDocumentedForIntegrators()
    {
        var app = await PipelineApps.GetAsync(DatabaseProvider.Sqlite);
        var document = System.Text.Json.Nodes.JsonNode.Parse(await app.WithToken(null).GetStringAsync("/swagger/v1/swagger.json"))!;
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(op => (Name: $"{op.Key.ToUpperInvariant()} {path.Key}", Operation: op.Value!)))
            .ToList();

        Assert.That(operations, Has.Count.GreaterThanOrEqualTo(36));
        Assert.Multiple(() =>
        {
            foreach (var (name, operation) in operations)
            {
                Assert.That((string?)operation["operationId"], Is.Not.Null.And.Not.Empty, name);
                Assert.That((string?)operation["summary"], Is.Not.Null.And.Not.Empty, name);
                Assert.That((string?)operation["description"], Is.Not.Null.And.Not.Empty, name);
                Assert.That((string?)operation["x-required-scope"], Is.AnyOf("pipeline.read", "pipeline.write", "pipeline.admin"), name);
                var responses = operation["responses"]!.AsObject();
                foreach (var status in new[] { "401", "403" })
                    Assert.That(responses[status]?["content"]?["application/problem+json"], Is.Not.Null, $"{name} documents its {status} problem");
                if (operation["requestBody"] is { } body)
                {
                    Assert.That(body["content"]?["application/json"]?["examples"]?.AsObject(), Is.Not.Null.And.Not.Empty, $"{name} has request examples");
                    Assert.That(responses["400"]?["content"]?["application/problem+json"], Is.Not.Null, $"{name} documents its 400 problem");
                }
            }
        });
    }

    private static string Normalize(string yaml) => string.Join('\n', yaml.ReplaceLineEndings("\n").Split('\n').Select(l => l.TrimEnd())).Trim();

    internal static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pipeline.Api.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Pipeline.Api.sln not found above the test directory.");
    }
}
