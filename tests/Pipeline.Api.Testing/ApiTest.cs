using Pipeline.Api.Data;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>
/// Base of the HTTP tests: each test class runs once per engine (one fixture per engine), and each test gets a
/// tenant of its own, provisioned by its first request like a real new customer.
/// </summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.PostgreSql)]
[TestFixture(DatabaseProvider.SqlServer)]
public abstract class ApiTest(DatabaseProvider provider, bool fakeClock = false)
{
    protected PipelineApp App { get; private set; } = null!;
    protected string Tenant { get; private set; } = "";

    /// <summary>A client for this test's tenant with pipeline.admin (which includes write and read).</summary>
    protected TenantClient Api { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartApp()
    {
        PipelineApps.RequireEngine(provider);
        App = await PipelineApps.GetAsync(provider, fakeClock);
    }

    [SetUp]
    public void NewTenant()
    {
        Tenant = $"t-{Guid.NewGuid():N}";
        Api = As(Tenant, "pipeline.admin");
    }

    protected TenantClient As(string tenant, params string[] scopes) => new(App.ClientFor(tenant, scopes));
}
