using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.SqlClient;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Api.Data;
using Testcontainers.MsSql;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>The real service in-process, on a real database of the given engine, trusting the test token key.</summary>
public sealed class PipelineApp(
    DatabaseProvider provider, string connectionString, FakeTimeProvider? clock = null, Action<IServiceCollection>? services = null,
    Action<IConfigurationBuilder>? configuration = null)
    : WebApplicationFactory<Program>
{
    public DatabaseProvider Provider => provider;
    public string ConnectionString => connectionString;

    private Lazy<ContractCheck.Contract>? _contract;

    /// <summary>The contract this app serves, read once and shared by every client's check.</summary>
    private Lazy<ContractCheck.Contract> Contract =>
        _contract ??= new Lazy<ContractCheck.Contract>(() => new ContractCheck.Contract(ContractCheck.DocumentOf(Services)));

    /// <summary>The service's log lines, as a log sink would receive them.</summary>
    public LogCapture Logs { get; } = new();

    /// <summary>The app's clock when it runs on a fake one (time is the one thing tests may fake).</summary>
    public FakeTimeProvider Clock => clock ?? throw new InvalidOperationException("This app runs on the system clock.");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Database:Provider", provider.ToString());
        builder.UseSetting("ConnectionStrings:Pipeline", connectionString);
        builder.UseSetting("Authentication:Schemes:Bearer:ValidIssuer", Tokens.Issuer);
        builder.UseSetting("Authentication:Schemes:Bearer:ValidAudiences:0", Tokens.Audience);
        builder.UseSetting("Authentication:Schemes:Bearer:SigningKeys:0:Issuer", Tokens.Issuer);
        builder.UseSetting("Authentication:Schemes:Bearer:SigningKeys:0:Value", Tokens.KeyBase64);
        // Tests share one client address and burst on purpose; the rate limits get their own test.
        foreach (var bucket in new[] { "Tenant", "Anonymous" })
        {
            builder.UseSetting($"RateLimiting:{bucket}:TokenLimit", "1000000");
            builder.UseSetting($"RateLimiting:{bucket}:TokensPerPeriod", "1000000");
        }
        // Webhook tests deliver to a receiver on loopback over http; the SSRF tests turn both back off.
        builder.UseSetting("Webhooks:AllowInsecureUrls", "true");
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Pipeline.Api", "Information");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        if (clock is not null) builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(clock));
        if (services is not null) builder.ConfigureTestServices(services);
        if (configuration is not null) builder.ConfigureAppConfiguration((_, c) => configuration(c));
    }

    /// <summary>A client whose every request carries a token for <paramref name="tenant"/> with these scopes.</summary>
    public HttpClient ClientFor(string tenant, params string[] scopes) => WithToken(Tokens.Create(tenant, scopes.Length == 0 ? ["pipeline.admin"] : scopes));

    /// <summary>A client whose every answer is checked against the contract (<see cref="ContractCheck"/>).</summary>
    public HttpClient WithToken(string? token)
    {
        var client = CreateDefaultClient(new ContractCheck(Contract));
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}

/// <summary>One app per engine for the whole run; tests isolate themselves by using a fresh tenant each.</summary>
public static class PipelineApps
{
    private static readonly ConcurrentDictionary<(DatabaseProvider, bool), Lazy<Task<PipelineApp>>> Apps = new();
    private static readonly List<IAsyncDisposable> Resources = [];

    /// <summary>One SQL Server container per run; each app gets a database of its own in it.</summary>
    private static readonly Lazy<Task<MsSqlContainer>> SqlServerContainer = new(async () =>
    {
        var container = new MsSqlBuilder(Environment.GetEnvironmentVariable("MSSQL_IMAGE") ?? "mcr.microsoft.com/mssql/server:2022-latest").Build();
        await container.StartAsync();
        lock (Resources) Resources.Add(container);
        return container;
    });

    /// <summary>The shared app of an engine; with <paramref name="fakeClock"/>, a second one whose clock the tests move.</summary>
    public static Task<PipelineApp> GetAsync(DatabaseProvider provider, bool fakeClock = false) =>
        Apps.GetOrAdd((provider, fakeClock), key => new Lazy<Task<PipelineApp>>(() => StartAsync(key.Item1, key.Item2))).Value;

    /// <summary>
    /// Skips when the engine cannot run on this machine, with the reason; fails instead when the run requires it
    /// (PIPELINE_REQUIRE_POSTGRES=1, as .ci/run sets; PIPELINE_REQUIRE_SQLSERVER=1).
    /// </summary>
    public static void RequireEngine(DatabaseProvider provider)
    {
        var (why, required) = provider switch
        {
            DatabaseProvider.SqlServer => (DockerEngine.UnavailableReason, "PIPELINE_REQUIRE_SQLSERVER"),
            DatabaseProvider.PostgreSql => (PostgresEngine.UnavailableReason, "PIPELINE_REQUIRE_POSTGRES"),
            _ => (null, ""),
        };
        if (why is null) return;
        if (Environment.GetEnvironmentVariable(required) == "1") Assert.Fail($"{required}=1 but: {why}");
        Assert.Ignore(why);
    }

    /// <summary>A fresh, empty database of the engine (SQLite file, PostgreSQL database), dropped at the end of the run.</summary>
    public static string NewDatabase(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Sqlite) return $"Data Source={Path.Combine(Path.GetTempPath(), $"pipeline-tests-{Guid.NewGuid():N}.db")}";
        if (provider != DatabaseProvider.PostgreSql) throw new NotSupportedException($"No fresh {provider} database outside a container.");
        var name = $"pipeline_test_{Guid.NewGuid():N}";
        lock (Resources) Resources.Add(new DropDatabase(name));
        return PostgresEngine.Database(name);
    }

    private sealed class DropDatabase(string name) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            PostgresEngine.Drop(name);
            return ValueTask.CompletedTask;
        }
    }

    private static async Task<PipelineApp> StartAsync(DatabaseProvider provider, bool fakeClock)
    {
        var clock = fakeClock ? new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero)) : null;
        PipelineApp app;
        if (provider == DatabaseProvider.SqlServer)
        {
            var container = await SqlServerContainer.Value;
            var database = fakeClock ? "pipeline_clock" : "pipeline";
            var connectionString = new SqlConnectionStringBuilder(container.GetConnectionString()) { InitialCatalog = database }.ConnectionString;
            app = new PipelineApp(provider, connectionString, clock);
        }
        else
        {
            app = new PipelineApp(provider, NewDatabase(provider), clock);
        }
        lock (Resources) Resources.Insert(0, app);
        app.StartServer();
        return app;
    }

    public static async Task DisposeAllAsync()
    {
        foreach (var resource in Resources) await resource.DisposeAsync();
        Resources.Clear();
        Apps.Clear();
    }
}
