using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Api.Tests.Api;

/// <summary>Limits only the real server enforces: the service on Kestrel, called over loopback.</summary>
public sealed class KestrelLimitsTests
{
    [Test]
    public async Task ABodyOver256KB_Returns413Problem_AndCreatesNothing()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pipeline-kestrel-{Guid.NewGuid():N}.db");
        await using var app = new PipelineApp(DatabaseProvider.Sqlite, $"Data Source={file}");
        app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create("kestrel", ["pipeline.admin"]));
        var api = new TenantClient(http);

        var response = await http.PostAsync("/api/v1/opportunities",
            new StringContent($"{{\"name\": \"Gros\", \"externalRef\": \"{new string('x', 300_000)}\"}}", Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.That((await ReadAsync<Page<object>>(await api.GetAsync("/api/v1/opportunities"))).Items, Is.Empty);
    }
}
