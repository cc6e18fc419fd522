using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Pipeline.Api.Tests.Contract;

/// <summary>The response check every API test runs through lets nothing undocumented by: proven on a doctored contract.</summary>
public sealed class ContractCheckTests
{
    private PipelineApp _app = null!;

    [OneTimeSetUp]
    public async Task Start() => _app = await PipelineApps.GetAsync(DatabaseProvider.Sqlite);

    [Test]
    public async Task TheRealContract_LetsARealAnswerThrough()
    {
        var client = Client(ContractCheck.DocumentOf(_app.Services));

        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [Test]
    public void AMemberOfTheWrongType_FailsTheTest()
    {
        var document = ContractCheck.DocumentOf(_app.Services);
        document["components"]!["schemas"]!["Stage"]!["properties"]!["name"] = new JsonObject { ["type"] = "integer" };

        var failure = Assert.ThrowsAsync<AssertionException>(() => Client(document).GetAsync("/api/v1/stages"));

        Assert.That(failure!.Message, Does.Contain("outside the contract").And.Contain("/items/0/name"));
    }

    [Test]
    public void AnUndocumentedStatus_FailsTheTest()
    {
        var document = ContractCheck.DocumentOf(_app.Services);
        document["paths"]!["/api/v1/stages/{id}"]!["get"]!["responses"]!.AsObject().Remove("404");

        var failure = Assert.ThrowsAsync<AssertionException>(() => Client(document).GetAsync("/api/v1/stages/987654321"));

        Assert.That(failure!.Message, Does.Contain("status 404 is not documented"));
    }

    [Test]
    public void AnUndocumentedMember_FailsTheTest()
    {
        var document = ContractCheck.DocumentOf(_app.Services);
        document["components"]!["schemas"]!["Stage"]!["properties"]!.AsObject().Remove("folded");

        var failure = Assert.ThrowsAsync<AssertionException>(() => Client(document).GetAsync("/api/v1/stages"));

        Assert.That(failure!.Message, Does.Contain("outside the contract"));
    }

    private HttpClient Client(JsonObject document)
    {
        var client = new HttpClient(new ContractCheck(() => document) { InnerHandler = _app.Server.CreateHandler() })
        {
            BaseAddress = new Uri("http://localhost"),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create($"t-{Guid.NewGuid():N}", ["pipeline.read"]));
        return client;
    }
}
