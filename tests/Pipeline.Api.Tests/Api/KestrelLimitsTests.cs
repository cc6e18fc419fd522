using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Pipeline.Api.Tests.Api;

/// <summary>What only the real server shows: the service on Kestrel, called over loopback.</summary>
public sealed class KestrelLimitsTests
{
    private PipelineApp _app = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public void Start()
    {
        _app = new PipelineApp(DatabaseProvider.Sqlite, PipelineApps.NewDatabase(DatabaseProvider.Sqlite));
        _app.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        _app.StartServer();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.Create("kestrel", ["pipeline.admin"]));
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Test]
    public async Task ABodyOver256KB_Returns413Problem_AndCreatesNothing()
    {
        var response = await _http.PostAsync("/api/v1/opportunities", Body(300_000, "Gros"));

        await ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload-too-large");
        Assert.That(await CountAsync("Gros"), Is.Zero);
    }

    /// <remarks>Kestrel's own limit counted the chunk framing: this body, just under the cap, was refused with 413.</remarks>
    [TestCase(262_134, HttpStatusCode.BadRequest, TestName = "AChunkedBodyJustUnderTheCap_IsReadWhole")]
    [TestCase(262_145, HttpStatusCode.RequestEntityTooLarge, TestName = "AChunkedBodyJustOverTheCap_Returns413")]
    public async Task TheCap_CountsTheBodyNotItsChunkFraming(int size, HttpStatusCode expected)
    {
        var body = await Body(size, "Chunks").ReadAsByteArrayAsync();
        Assert.That(body, Has.Length.EqualTo(size));
        using var content = new StreamContent(new ChunkedSource(body, 8 * 1024));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        var response = await _http.PostAsync("/api/v1/opportunities", content);

        // Under the cap the body is read whole and refused for its too-long externalRef, a validation error.
        await ProblemAsync(response, expected, expected == HttpStatusCode.BadRequest ? "validation" : "payload-too-large");
        Assert.That(await CountAsync("Chunks"), Is.Zero);
    }

    [Test]
    public async Task EveryAnswer_HasNoServerHeader_AndRefusesSniffing_AndApiAnswersAreNotStored()
    {
        var api = await _http.GetAsync("/api/v1/stages");
        var health = await _http.GetAsync("/health/live");

        Assert.That(api.Headers.Contains("Server") || health.Headers.Contains("Server"), Is.False);
        Assert.That(api.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(health.Headers.GetValues("X-Content-Type-Options"), Is.EqualTo(new[] { "nosniff" }));
        Assert.That(api.Headers.CacheControl?.NoStore, Is.True);
        Assert.That(api.Headers.Contains("RateLimit") && api.Headers.Contains("RateLimit-Policy"), Is.True);
        Assert.That(health.Headers.Contains("RateLimit"), Is.False, "health is exempt");
    }

    private static StringContent Body(int size, string name)
    {
        var head = $"{{\"name\": \"{name}\", \"externalRef\": \"";
        return new StringContent(head + new string('x', size - head.Length - 2) + "\"}", Encoding.UTF8, "application/json");
    }

    private async Task<int> CountAsync(string name) =>
        (await ReadAsync<Page<Opportunities.OpportunityDto>>(await _http.GetAsync("/api/v1/opportunities?limit=100"))).Items.Count(o => o.Name == name);

    /// <summary>A stream of unknown length: HttpClient sends it chunked, in pieces of this size.</summary>
    private sealed class ChunkedSource(byte[] data, int chunk) : MemoryStream(data)
    {
        public override bool CanSeek => false;
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], ct);
    }
}
