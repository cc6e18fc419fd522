using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// The service scales as N stateless instances on one server database. Two real service processes (the built
/// Pipeline.Api.dll, each on its own port) share one PostgreSQL database under a mixed concurrent load; one is
/// killed with SIGKILL in the middle. The other keeps answering, every acknowledged write is there, and the rules
/// hold for every row.
/// </summary>
public sealed class TwoInstancesTests
{
    private sealed record Instance(Process Process, int Port);

    private readonly List<Process> _instances = [];

    [TearDown]
    public void StopInstances()
    {
        foreach (var instance in _instances.Where(i => !i.HasExited)) instance.Kill(entireProcessTree: true);
        _instances.Clear();
    }

    [Test]
    public async Task TwoInstancesOnOneDatabase_OneKilledMidLoad_TheOtherServes_AndEveryAcknowledgedWriteHolds()
    {
        PipelineApps.RequireEngine(DatabaseProvider.PostgreSql);
        var database = PipelineApps.NewDatabase(DatabaseProvider.PostgreSql);
        var (a, b) = (Start(database), Start(database));
        using var apiA = await ReadyAsync(a);
        using var apiB = await ReadyAsync(b);

        var relance = await TenantClient.ReadAsync<StageDto>(
            await apiA.PostAsJsonAsync("/api/v1/stages", new { name = "Relance", probability = 30, autoProbability = true }), HttpStatusCode.Created);
        var stages = (await apiB.GetFromJsonAsync<TenantClient.Page<StageDto>>("/api/v1/stages", TenantClient.Json))!.Items;
        var open = stages.Where(s => !s.IsClosing).Select(s => s.Id).ToArray();
        var acknowledged = new ConcurrentDictionary<long, bool>();
        var failuresAfterKill = 0;

        async Task WorkAsync(HttpClient api, int worker, CancellationToken stop)
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var created = await api.PostAsJsonAsync("/api/v1/opportunities", new { name = $"Chantier {worker}.{i}", expectedRevenue = 1000 + i });
                    if (created.StatusCode != HttpStatusCode.Created) continue;
                    var opportunity = (await created.Content.ReadFromJsonAsync<OpportunityDto>(TenantClient.Json))!;
                    acknowledged[opportunity.Id] = true;
                    await api.PostAsJsonAsync($"/api/v1/opportunities/{opportunity.Id}/move", new { stageId = open[i % open.Length] });
                    if (i % 5 == 0) await api.PutAsJsonAsync($"/api/v1/stages/{relance.Id}/probability", new { probability = 20 + i % 50 });
                }
                catch (HttpRequestException) when (api == apiB)
                {
                    Interlocked.Increment(ref failuresAfterKill);
                    return;
                }
            }
        }

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(4));
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WorkAsync(w % 2 == 0 ? apiA : apiB, w, stop.Token))).ToList();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        b.Process.Kill();
        await Task.WhenAll(workers);

        TestContext.Out.WriteLine($"{acknowledged.Count} acknowledged creates; {failuresAfterKill} workers cut off by the kill");
        Assert.That(b.Process.HasExited, Is.True);
        Assert.That(failuresAfterKill, Is.GreaterThan(0), "the killed instance was under load");
        Assert.That((await apiA.GetAsync("/health/ready")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(acknowledged.Count, Is.GreaterThan(20), "a real load ran");
        var all = await AllOpportunitiesAsync(apiA);
        Assert.That(acknowledged.Keys.Except(all.Select(o => o.Id)), Is.Empty, "every acknowledged create is there");
        var relanceNow = (await apiA.GetFromJsonAsync<StageDto>($"/api/v1/stages/{relance.Id}", TenantClient.Json))!;
        var followers = all.Where(o => o.StageId == relance.Id && o.ProbabilitySource == Pipeline.Api.Rules.ProbabilitySource.Stage);
        Assert.That(followers.Select(o => o.Probability), Has.All.EqualTo(relanceNow.Probability), "rule 5 on every row");
    }

    private static async Task<List<OpportunityDto>> AllOpportunitiesAsync(HttpClient api)
    {
        var all = new List<OpportunityDto>();
        string? cursor = null;
        do
        {
            var page = (await api.GetFromJsonAsync<TenantClient.Page<OpportunityDto>>(
                $"/api/v1/opportunities?limit=100{(cursor is null ? "" : $"&cursor={cursor}")}", TenantClient.Json))!;
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        } while (cursor is not null);
        return all;
    }

    /// <remarks>
    /// Whole processes on a fresh SQLite file, where issue #9 saw 6 starts of 15 crash with "table Tenants already
    /// exists" before the migration lock; with the lock taken out again, the first round lost a process here too.
    /// PostgreSQL's lock is proven on 20 fresh databases by MigrationRaceTests, and
    /// the test above starts its two processes together on a fresh PostgreSQL database (a minute per engine here).
    /// </remarks>
    [Test]
    public async Task TwoProcessesStartedAtOnceOnAFreshSqliteFile_BothComeUp_TwentyTimesOutOfTwenty()
    {
        for (var round = 0; round < 20; round++)
        {
            var database = PipelineApps.NewDatabase(DatabaseProvider.Sqlite);
            var (a, b) = (Start(database, DatabaseProvider.Sqlite), Start(database, DatabaseProvider.Sqlite));
            using var apiA = await ReadyAsync(a);
            using var apiB = await ReadyAsync(b);
            Assert.That((await apiB.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK), $"round {round}");
            StopInstances();
        }
    }

    private Instance Start(string connectionString, DatabaseProvider provider = DatabaseProvider.PostgreSql, params string[] settings)
    {
        var port = FreePort();
        var service = typeof(Program).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", service, "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = Path.GetDirectoryName(service)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Database__Provider"] = provider.ToString(),
                ["ConnectionStrings__Pipeline"] = connectionString,
                ["Authentication__Schemes__Bearer__ValidIssuer"] = Tokens.Issuer,
                ["Authentication__Schemes__Bearer__ValidAudiences__0"] = Tokens.Audience,
                ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = Tokens.Issuer,
                ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = Tokens.KeyBase64,
                ["Logging__LogLevel__Default"] = "Warning",
                // The load is the point here, not the limits (they have their own test).
                ["RateLimiting__Tenant__TokenLimit"] = "1000000",
                ["RateLimiting__Tenant__TokensPerPeriod"] = "1000000",
            },
        };
        foreach (var setting in settings) start.Environment[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _instances.Add(process);
        return new Instance(process, port);
    }

    /// <summary>Webhooks to the test's receiver on loopback, retried every 200 ms, leases of 2 s (a crash is taken over quickly).</summary>
    private static readonly string[] Webhooks =
    [
        "Webhooks__AllowInsecureUrls=true", "Webhooks__AllowPrivateNetworks=true", "Webhooks__FirstRetryDelay=00:00:00.200",
        "Webhooks__BackoffFactor=1", "Webhooks__MaxAttempts=50", "Webhooks__PollInterval=00:00:00.100", "Webhooks__LeaseDuration=00:00:02",
    ];

    [Test]
    public async Task TwoInstancesOnOneDatabase_DeliverEveryChange_AndNeverTheSameAttemptTwice()
    {
        PipelineApps.RequireEngine(DatabaseProvider.PostgreSql);
        var database = PipelineApps.NewDatabase(DatabaseProvider.PostgreSql);
        await using var receiver = await WebhookReceiver.StartAsync();
        var (a, b) = (Start(database, DatabaseProvider.PostgreSql, Webhooks), Start(database, DatabaseProvider.PostgreSql, Webhooks));
        using var apiA = await ReadyAsync(a);
        using var apiB = await ReadyAsync(b);
        var hook = await TenantClient.ReadAsync<Pipeline.Api.Webhooks.WebhookDto>(
            await apiA.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url("both"), types = new[] { "opportunity.created" } }),
            HttpStatusCode.Created);

        await Task.WhenAll(Enumerable.Range(0, 120).Select(i =>
            (i % 2 == 0 ? apiA : apiB).PostAsJsonAsync("/api/v1/opportunities", new { name = $"Chantier {i}" })));

        var received = await receiver.WaitForAsync("both", 120);
        await Task.Delay(1000); // time for a duplicate, if there were one, to arrive
        Assert.That(receiver.At("both").Select(d => d.Id).Distinct().Count(), Is.EqualTo(120), "every change delivered");
        Assert.That(receiver.At("both"), Has.Count.EqualTo(120), "no change sent twice by the two dispatchers");
        Assert.That(received.All(d => WebhookReceiver.Verifies(d, hook.Secret!)), Is.True);
    }

    [Test]
    public async Task AChangeCommitted_ThenTheProcessKilled_IsDeliveredAfterRestart()
    {
        var database = PipelineApps.NewDatabase(DatabaseProvider.Sqlite);
        var port = WebhookReceiver.FreePort();
        var first = Start(database, DatabaseProvider.Sqlite, Webhooks);
        Pipeline.Api.Webhooks.WebhookDto hook;
        OpportunityDto created;
        using (var api = await ReadyAsync(first))
        {
            hook = await TenantClient.ReadAsync<Pipeline.Api.Webhooks.WebhookDto>(
                await api.PostAsJsonAsync("/api/v1/webhooks", new { url = $"http://127.0.0.1:{port}/hook" }), HttpStatusCode.Created);
            created = await TenantClient.ReadAsync<OpportunityDto>(
                await api.PostAsJsonAsync("/api/v1/opportunities", new { name = "Survit au crash" }), HttpStatusCode.Created);
        }
        // SIGKILL: no shutdown, no flush; the receiver is down, so the change cannot have been delivered yet.
        first.Process.Kill();
        await first.Process.WaitForExitAsync();

        await using var receiver = await WebhookReceiver.StartAsync(port);
        using var again = await ReadyAsync(Start(database, DatabaseProvider.Sqlite, Webhooks));
        var delivery = (await receiver.WaitForAsync("hook", 1, d => d.Body.Contains("opportunity.created"))).Single();

        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(delivery.Body)!["data"]!["opportunityId"]!.GetValue<long>(), Is.EqualTo(created.Id));
        Assert.That(WebhookReceiver.Verifies(delivery, hook.Secret!), Is.True);
    }

    private static async Task<HttpClient> ReadyAsync(Instance instance)
    {
        var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{instance.Port}"), Timeout = TimeSpan.FromSeconds(10) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create("two-instances", ["pipeline.admin"]));
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Assert.That(instance.Process.HasExited, Is.False, "the instance stopped while starting");
            try
            {
                if ((await api.GetAsync("/health/ready")).IsSuccessStatusCode) return api;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "the instance did not become ready within 60 s");
            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
