using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Changes;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Stages;
using Pipeline.Api.Webhooks;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// Webhooks end to end: the service's own dispatcher POSTs to a real Kestrel receiver on loopback, and every
/// delivery is verified with an independent implementation of the Standard Webhooks signature. Back-off is
/// shortened by configuration; nothing else is faked.
/// </summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.PostgreSql)]
public sealed class WebhookTests(DatabaseProvider provider)
{
    private const int MaxAttempts = 5;
    private PipelineApp _app = null!;
    private WebhookReceiver _receiver = null!;
    private TenantClient _api = null!;
    private string _tenant = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        PipelineApps.RequireEngine(provider);
        _app = new PipelineApp(provider, PipelineApps.NewDatabase(provider), configuration: c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Webhooks:FirstRetryDelay"] = "00:00:00.050",
            ["Webhooks:BackoffFactor"] = "1.5",
            ["Webhooks:PollInterval"] = "00:00:00.050",
            ["Webhooks:MaxAttempts"] = MaxAttempts.ToString(),
        }));
        _app.StartServer();
        _receiver = await WebhookReceiver.StartAsync();
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        await _receiver.DisposeAsync();
        await _app.DisposeAsync();
    }

    [SetUp]
    public async Task NewTenant()
    {
        _tenant = $"t-{Guid.NewGuid():N}";
        _api = new TenantClient(_app.ClientFor(_tenant));
        await _api.StagesAsync();
    }

    private async Task<WebhookDto> CreateWebhookAsync(string url, string[]? types = null) =>
        await ReadAsync<WebhookDto>(await _api.PostAsync("/api/v1/webhooks", types is null ? new { url } : new { url, types }), HttpStatusCode.Created);

    private async Task<ChangePage> FeedAsync(long after = 0, string query = "") =>
        await ReadAsync<ChangePage>(await _api.GetAsync($"/api/v1/changes?after={after}&limit=500{query}"));

    private async Task<List<DeliveryDto>> DeliveriesAsync(long webhookId, string query = "") =>
        (await ReadAsync<Page<DeliveryDto>>(await _api.GetAsync($"/api/v1/webhooks/{webhookId}/deliveries?limit=100{query}"))).Items;

    private async Task<DeliveryDto> WaitForDeliveryAsync(long webhookId, string changeId, DeliveryStatus status)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var delivery = (await DeliveriesAsync(webhookId)).Single(d => d.ChangeId == changeId);
            if (delivery.Status == status) return delivery;
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), $"delivery of {changeId} still {delivery.Status}: {delivery}");
            await Task.Delay(50);
        }
    }

    [Test]
    public async Task EveryChangeType_IsDelivered_Signed_AsTheFeedHasIt()
    {
        var path = $"all-{_tenant}";
        var start = (await FeedAsync()).LastSequence;
        var hook = await CreateWebhookAsync(_receiver.Url(path));
        Assert.That(hook.Secret, Does.Match("^whsec_[A-Za-z0-9+/]{43}=$"), "whsec_ and the base64 of 32 bytes");

        var relance = await _api.CreateStageAsync(new { name = "Relance", probability = 30, autoProbability = true });
        await _api.PutAsync($"/api/v1/stages/{relance.Id}/name", new { name = "Relance client" });
        var opportunity = await _api.CreateOpportunityAsync(new { name = "Toiture Dupont", expectedRevenue = 12000 });
        await _api.MoveAsync(opportunity.Id, relance.Id);
        await _api.PutAsync($"/api/v1/stages/{relance.Id}/probability", new { probability = 40 });
        var order = (await _api.StagesAsync()).Select(s => s.Id).ToList();
        (order[0], order[1]) = (order[1], order[0]);
        await ReadAsync<JsonElement>(await _api.PutAsync("/api/v1/stages/order", new { stageIds = order }));
        await ReadAsync<OpportunityDto>(await _api.PatchAsync($"/api/v1/opportunities/{opportunity.Id}", new { expectedRevenue = 12500 }));
        await ReadAsync<OpportunityDto>(await _api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/won"));
        await ReadAsync<OpportunityDto>(await _api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/reopen", new { stageId = relance.Id }));
        await ReadAsync<OpportunityDto>(await _api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/lost", new { reason = "Trop cher" }));
        var second = await _api.CreateOpportunityAsync(new { name = "Isolation Martin" });
        await _api.MoveAsync(second.Id, relance.Id);
        var devis = await _api.StageAsync("Devis");
        Assert.That((await _api.DeleteAsync($"/api/v1/stages/{relance.Id}?moveOpportunitiesTo={devis.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));

        var feed = (await FeedAsync(start)).Items;
        Assert.That(feed.Select(c => c.Type).Distinct(), Is.EquivalentTo(ChangeTypes.All), "every type of change happened");
        var received = await _receiver.WaitForAsync(path, feed.Count);
        Assert.Multiple(() =>
        {
            Assert.That(received.Select(d => d.Id), Is.EquivalentTo(feed.Select(c => c.Id)), "each change once, by its id");
            foreach (var delivery in received)
            {
                Assert.That(WebhookReceiver.Verifies(delivery, hook.Secret!), Is.True, $"signature of {delivery.Body}");
                Assert.That(delivery.ContentType, Does.StartWith("application/json"));
                var change = feed.Single(c => c.Id == delivery.Id);
                Assert.That(JsonNode.DeepEquals(JsonNode.Parse(delivery.Body), JsonSerializer.SerializeToNode(change, TenantClient.Json)),
                    Is.True, $"the body is the change as the feed serves it: {delivery.Body}");
            }
        });

        var reassigned = feed.Single(c => c.Type == "stage.updated" && c.Data.TryGetProperty("reassigned", out _));
        Assert.That(reassigned.Data.GetProperty("reassigned").GetInt32(), Is.EqualTo(1), "one change carrying the count");
        var lost = feed.Single(c => c.Type == "opportunity.lost");
        Assert.That(lost.Data.GetProperty("lostReason").GetString(), Is.EqualTo("Trop cher"));
        var byDeletion = feed.Single(c => c.Type == "opportunity.stage_changed" && c.Data.GetProperty("cause").GetString() == "stage_deleted");
        Assert.That((byDeletion.Data.GetProperty("opportunityId").GetInt64(), byDeletion.Data.GetProperty("toStageName").GetString()),
            Is.EqualTo((second.Id, "Devis")));
        Assert.That(feed.All(c => c.Data.GetProperty("tenantId").GetString() == _tenant && c.Data.GetProperty("actor").GetString() != null));
    }

    [Test]
    public async Task AReceiverThatFailsThreeTimes_GetsTheChangeOnTheFourthAttempt()
    {
        var path = $"flaky-{_tenant}";
        _receiver.Answer(path, 500, 500, 503);
        var hook = await CreateWebhookAsync(_receiver.Url(path), ["opportunity.created"]);
        var created = await _api.CreateOpportunityAsync(new { name = "Ravalement" });
        var change = (await FeedAsync(0, "&types=opportunity.created")).Items.Single(c => c.Data.GetProperty("opportunityId").GetInt64() == created.Id);

        var delivered = await WaitForDeliveryAsync(hook.Id, change.Id, DeliveryStatus.Delivered);

        Assert.That((delivered.Attempt, delivered.ResponseStatus, delivered.Error), Is.EqualTo((4, (int?)200, (string?)null)));
        var requests = _receiver.At(path);
        Assert.That(requests.Select(r => r.Id), Is.EqualTo(Enumerable.Repeat(change.Id, 4)), "the same webhook-id every attempt");
        Assert.That(requests.All(r => WebhookReceiver.Verifies(r, hook.Secret!)), Is.True);
    }

    [Test]
    public async Task AReceiverDownPastMaxAttempts_LeavesAFailedDelivery_ThatRedeliverSendsOnceItIsBack()
    {
        var port = WebhookReceiver.FreePort();
        var hook = await CreateWebhookAsync($"http://127.0.0.1:{port}/late", ["opportunity.created"]);
        await _api.CreateOpportunityAsync(new { name = "Extension" });
        var change = (await FeedAsync(0, "&types=opportunity.created")).Items.Last();

        var failed = await WaitForDeliveryAsync(hook.Id, change.Id, DeliveryStatus.Failed);
        Assert.That((failed.Attempt, failed.ResponseStatus, failed.NextAttemptAt), Is.EqualTo((MaxAttempts, (int?)null, (DateTimeOffset?)null)));
        Assert.That(failed.Error, Is.Not.Empty, "why the last attempt failed");
        Assert.That((await DeliveriesAsync(hook.Id, "&status=failed")).Select(d => d.ChangeId), Is.EqualTo(new[] { change.Id }));

        await using var back = await WebhookReceiver.StartAsync(port);
        var queued = await ReadAsync<DeliveryDto>(
            await _api.PostAsync($"/api/v1/webhooks/{hook.Id}/deliveries/{change.Id}/redeliver"), HttpStatusCode.Accepted);
        Assert.That(queued.Status, Is.EqualTo(DeliveryStatus.Pending));

        var delivered = await WaitForDeliveryAsync(hook.Id, change.Id, DeliveryStatus.Delivered);
        Assert.That(delivered.Attempt, Is.EqualTo(1), "a fresh schedule, delivered at its first attempt");
        var got = back.At("late").Single();
        Assert.That((got.Id, WebhookReceiver.Verifies(got, hook.Secret!)), Is.EqualTo((change.Id, true)));
    }

    [Test]
    public async Task TypesFilterTheDeliveries_AndATestChangeReachesOnlyItsWebhook()
    {
        var path = $"won-{_tenant}";
        var hook = await CreateWebhookAsync(_receiver.Url(path), ["opportunity.won"]);
        var opportunity = await _api.CreateOpportunityAsync(new { name = "Piscine" });
        await ReadAsync<OpportunityDto>(await _api.PostAsync($"/api/v1/opportunities/{opportunity.Id}/won"));
        var test = await ReadAsync<DeliveryDto>(await _api.PostAsync($"/api/v1/webhooks/{hook.Id}/test"), HttpStatusCode.Accepted);

        var received = await _receiver.WaitForAsync(path, 2);
        Assert.That(received.Select(r => JsonNode.Parse(r.Body)!["type"]!.GetValue<string>()), Is.EquivalentTo(new[] { "opportunity.won", "webhook.test" }));
        var body = JsonNode.Parse(received.Single(r => r.Id == test.ChangeId).Body)!;
        Assert.That(((long)body["sequence"]!, (long)body["data"]!["webhookId"]!), Is.EqualTo((0L, hook.Id)));
        Assert.That((await FeedAsync()).Items.Select(c => c.Id), Does.Not.Contain(test.ChangeId), "a test is not a change of the pipeline");
        Assert.That(received.All(r => WebhookReceiver.Verifies(r, hook.Secret!)), Is.True);
    }

    [Test]
    public async Task AfterARotation_DeliveriesAreSignedWithBothSecrets_AndTheOldOneStops()
    {
        var path = $"rotate-{_tenant}";
        var hook = await CreateWebhookAsync(_receiver.Url(path), ["opportunity.created"]);
        var rotated = await ReadAsync<WebhookDto>(await _api.PostAsync($"/api/v1/webhooks/{hook.Id}/rotate-secret"));
        Assert.That(rotated.Secret, Is.Not.EqualTo(hook.Secret).And.StartsWith("whsec_"));
        Assert.That((await ReadAsync<WebhookDto>(await _api.GetAsync($"/api/v1/webhooks/{hook.Id}"))).Secret, Is.Null, "never shown again");

        await _api.CreateOpportunityAsync(new { name = "Carport" });
        var delivery = (await _receiver.WaitForAsync(path, 1)).Single();
        Assert.That((WebhookReceiver.Verifies(delivery, rotated.Secret!), WebhookReceiver.Verifies(delivery, hook.Secret!)), Is.EqualTo((true, true)));
        Assert.That(delivery.Signature!.Split(' '), Has.Length.EqualTo(2));
    }

    [Test]
    public async Task ADisabledWebhook_KeepsItsDeliveries_AndSendsThemWhenEnabledAgain()
    {
        var path = $"paused-{_tenant}";
        var hook = await CreateWebhookAsync(_receiver.Url(path), ["opportunity.created"]);
        var paused = await ReadAsync<WebhookDto>(await _api.PatchAsync($"/api/v1/webhooks/{hook.Id}", new { enabled = false }, $"\"{hook.Version}\""));
        await _api.CreateOpportunityAsync(new { name = "Clôture" });
        await Task.Delay(500);
        Assert.That(_receiver.At(path), Is.Empty, "nothing is sent while disabled");

        await ReadAsync<WebhookDto>(await _api.PatchAsync($"/api/v1/webhooks/{hook.Id}", new { enabled = true }, $"\"{paused.Version}\""));
        Assert.That(await _receiver.WaitForAsync(path, 1), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task WebhooksAreManagedLikeEveryResource()
    {
        var hook = await CreateWebhookAsync("https://planning.example.com/hooks", ["stage.created"]);
        var list = await ReadAsync<Pipeline.Api.Infrastructure.ListOf<WebhookDto>>(await _api.GetAsync("/api/v1/webhooks"));
        Assert.That(list.Items.Select(w => (w.Id, w.Secret)), Is.EqualTo(new[] { (hook.Id, (string?)null) }));

        await ProblemAsync(await _api.PatchAsync($"/api/v1/webhooks/{hook.Id}", new { description = "Planning" }, "\"99\""),
            HttpStatusCode.PreconditionFailed, "precondition-failed");
        var updated = await ReadAsync<WebhookDto>(await _api.PatchAsync($"/api/v1/webhooks/{hook.Id}", new { description = "Planning", types = (string[]?)null }));
        Assert.That((updated.Description, updated.Types, updated.Version), Is.EqualTo(("Planning", (IReadOnlyList<string>?)null, hook.Version + 1)));
        await ProblemAsync(await _api.PostAsync("/api/v1/webhooks", new { url = "https://x.example.com", types = new[] { "stage.renamed" } }),
            HttpStatusCode.BadRequest, "validation");

        Assert.That((await _api.DeleteAsync($"/api/v1/webhooks/{hook.Id}", $"\"{updated.Version}\"")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await ProblemAsync(await _api.GetAsync($"/api/v1/webhooks/{hook.Id}"), HttpStatusCode.NotFound, "not-found");
        var reader = new TenantClient(_app.ClientFor(_tenant, "pipeline.write"));
        Assert.That((await reader.GetAsync("/api/v1/webhooks")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "pipeline.admin only");
    }

    /// <summary>An app on a database of its own with the SSRF guard on (the shared one allows loopback for the receiver).</summary>
    private async Task<(PipelineApp App, TenantClient Api)> GuardedAsync(bool allowInsecureUrls)
    {
        var app = new PipelineApp(provider, PipelineApps.NewDatabase(provider), configuration: c => c.AddInMemoryCollection(
            new Dictionary<string, string?>
            {
                ["Webhooks:AllowPrivateNetworks"] = "false",
                ["Webhooks:AllowInsecureUrls"] = allowInsecureUrls ? "true" : "false",
                ["Webhooks:PollInterval"] = "00:00:00.050",
            }));
        app.StartServer();
        var api = new TenantClient(app.ClientFor(_tenant));
        await api.StagesAsync();
        return (app, api);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task AUrlOnALoopbackPrivateOrMetadataAddress_IsRefusedAtCreation(bool allowInsecureUrls)
    {
        var (app, api) = await GuardedAsync(allowInsecureUrls);
        await using var _ = app;
        foreach (var url in new[] { "http://127.0.0.1/hook", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/", "http://localhost:8080/hook" })
        {
            var problem = await ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url }), HttpStatusCode.UnprocessableEntity, "webhook-url-refused");
            Assert.That((string?)problem["detail"], allowInsecureUrls ? Does.Contain("public internet") : Does.Contain("https"), url);
        }
        foreach (var url in new[] { "https://[::1]/", "https://192.168.1.10/", "https://[fd00:ec2::254]/", "https://100.100.100.200/" })
            await ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url }), HttpStatusCode.UnprocessableEntity, "webhook-url-refused");
        await ProblemAsync(await api.PostAsync("/api/v1/webhooks", new { url = "https://planning.example.com/hook" }), HttpStatusCode.UnprocessableEntity,
            "webhook-url-refused"); // no DNS here: a name that does not resolve is refused too
        Assert.That((await ReadAsync<Pipeline.Api.Infrastructure.ListOf<WebhookDto>>(await api.GetAsync("/api/v1/webhooks"))).Items, Is.Empty, "nothing was saved");
    }

    [Test]
    public async Task TheConnection_RefusesAnAddressThatIsPrivateNow_EvenForAWebhookSavedBefore()
    {
        var (app, api) = await GuardedAsync(allowInsecureUrls: true);
        await using var _ = app;
        // Saved when its host was public (DNS can change); written directly, as the API refuses it now.
        await using (var db = app.Services.GetRequiredService<ISqlDialect>().CreateConnection())
            await db.ExecuteAsync(
                "INSERT INTO Webhooks (TenantId, Url, Types, Description, Enabled, Secret, Version, CreatedAtMs, UpdatedAtMs) "
                + "VALUES (@Tenant, @Url, 'opportunity.created', NULL, 1, 'whsec_AAAA', 1, 0, 0)",
                new { Tenant = _tenant, Url = _receiver.Url($"inside-{_tenant}") });
        var hookId = (await ReadAsync<Pipeline.Api.Infrastructure.ListOf<WebhookDto>>(await api.GetAsync("/api/v1/webhooks"))).Items.Single().Id;
        await api.CreateOpportunityAsync(new { name = "Garage" });

        var deadline = DateTime.UtcNow.AddSeconds(30);
        DeliveryDto delivery;
        do
        {
            await Task.Delay(50);
            delivery = (await ReadAsync<Page<DeliveryDto>>(await api.GetAsync($"/api/v1/webhooks/{hookId}/deliveries"))).Items.Single();
        } while (delivery.Attempt == 0 && DateTime.UtcNow < deadline);
        Assert.That(delivery.Error, Does.Contain("127.0.0.1").And.Contain("public internet"));
        Assert.That(_receiver.At($"inside-{_tenant}"), Is.Empty, "no request left the service");
    }
}
