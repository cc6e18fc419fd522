using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// The first `dotnet user-jwts create` on a machine writes the development signing key into user secrets, often
/// after the service started: the bearer options follow configuration reloads, so no restart is needed (and an
/// operator can rotate keys the same way).
/// </summary>
public sealed class SigningKeyReloadTests
{
    [Test]
    public async Task AKeyAddedToConfigurationAfterStart_IsTrustedWithoutARestart()
    {
        var source = new ReloadableSource();
        await using var app = new PipelineApp(DatabaseProvider.Sqlite, PipelineApps.NewDatabase(DatabaseProvider.Sqlite), configuration: c => c.Add(source));
        app.StartServer();
        var newKey = RandomNumberGenerator.GetBytes(32);
        var client = app.WithToken(Tokens.Create($"t-{Guid.NewGuid():N}", ["pipeline.read"], key: newKey, issuer: "rotated-issuer"));
        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "not trusted yet");

        source.Provider.SetAndReload(new Dictionary<string, string?>
        {
            // The framework binds one signing key per issuer: a new key comes with its issuer.
            ["Authentication:Schemes:Bearer:ValidIssuers:0"] = "rotated-issuer",
            ["Authentication:Schemes:Bearer:SigningKeys:1:Issuer"] = "rotated-issuer",
            ["Authentication:Schemes:Bearer:SigningKeys:1:Value"] = Convert.ToBase64String(newKey),
        });

        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var old = app.ClientFor($"t-{Guid.NewGuid():N}", "pipeline.read");
        Assert.That((await old.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the first key is still trusted");
    }

    /// <summary>A token the service accepted (and so remembers) is refused as soon as its key leaves the configuration.</summary>
    [Test]
    public async Task AKeyRemovedFromConfiguration_IsNoLongerTrusted_EvenForATokenAcceptedBefore()
    {
        var source = new ReloadableSource();
        var key = RandomNumberGenerator.GetBytes(32);
        source.Provider.SetAndReload(new Dictionary<string, string?>
        {
            ["Authentication:Schemes:Bearer:ValidIssuers:0"] = "leaving-issuer",
            ["Authentication:Schemes:Bearer:SigningKeys:1:Issuer"] = "leaving-issuer",
            ["Authentication:Schemes:Bearer:SigningKeys:1:Value"] = Convert.ToBase64String(key),
        });
        await using var app = new PipelineApp(DatabaseProvider.Sqlite, PipelineApps.NewDatabase(DatabaseProvider.Sqlite), configuration: c => c.Add(source));
        app.StartServer();
        var client = app.WithToken(Tokens.Create($"t-{Guid.NewGuid():N}", ["pipeline.read"], key: key, issuer: "leaving-issuer"));
        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "trusted, and remembered");
        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.OK));

        source.Provider.Remove("Authentication:Schemes:Bearer:SigningKeys:1:Issuer", "Authentication:Schemes:Bearer:SigningKeys:1:Value");

        Assert.That((await client.GetAsync("/api/v1/stages")).StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized), "the key was removed");
    }

    private sealed class ReloadableSource : IConfigurationSource
    {
        public ReloadableProvider Provider { get; } = new();

        public IConfigurationProvider Build(IConfigurationBuilder builder) => Provider;
    }

    private sealed class ReloadableProvider : ConfigurationProvider
    {
        public void SetAndReload(IDictionary<string, string?> values)
        {
            foreach (var (key, value) in values) Data[key] = value;
            OnReload();
        }

        public void Remove(params string[] keys)
        {
            foreach (var key in keys) Data.Remove(key);
            OnReload();
        }
    }
}
