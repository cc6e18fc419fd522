using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>
/// A real HTTP receiver on loopback (Kestrel), as another OpenFire module would run one: it records every request
/// and answers what the test scripted for the path (200 when nothing is scripted).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    public sealed record Delivery(string Path, string? Id, string? Timestamp, string? Signature, string? ContentType, string Body);

    private readonly ConcurrentQueue<Delivery> _received = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<int>> _scripts = new();
    private readonly WebApplication _app;

    public int Port { get; }

    private WebhookReceiver(int port)
    {
        Port = port;
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapPost("/{**path}", async (HttpContext http, string path) =>
        {
            var body = await new StreamReader(http.Request.Body, Encoding.UTF8).ReadToEndAsync();
            var headers = http.Request.Headers;
            _received.Enqueue(new Delivery(path, headers["webhook-id"], headers["webhook-timestamp"], headers["webhook-signature"],
                http.Request.ContentType, body));
            return Results.StatusCode(_scripts.TryGetValue(path, out var script) && script.TryDequeue(out var status) ? status : 200);
        });
    }

    /// <summary>Starts listening, on <paramref name="port"/> when given (a receiver that comes back), else on a free one.</summary>
    public static async Task<WebhookReceiver> StartAsync(int? port = null)
    {
        var receiver = new WebhookReceiver(port ?? FreePort());
        await receiver._app.StartAsync();
        return receiver;
    }

    /// <summary>A loopback port nobody listens on (yet): a receiver that is down.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public string Url(string path) => $"http://127.0.0.1:{Port}/{path}";

    /// <summary>The next requests on this path get these statuses, in order; 200 after them.</summary>
    public void Answer(string path, params int[] statuses) => _scripts[path] = new ConcurrentQueue<int>(statuses);

    public IReadOnlyList<Delivery> At(string path) => _received.Where(d => d.Path == path).ToList();

    /// <summary>Waits until the path has received at least <paramref name="count"/> requests matching <paramref name="where"/>.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(string path, int count, Func<Delivery, bool>? where = null, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var got = At(path).Where(where ?? (_ => true)).ToList();
            if (got.Count >= count) return got;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{path} received {got.Count} of {count} expected deliveries within {seconds} s.");
            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    /// <summary>
    /// Standard Webhooks verification, written from the specification and independent of the service's library: the
    /// secret's bytes key an HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}"; one of the space-separated
    /// "v1,{base64}" signatures must match, and the timestamp must be within five minutes of now.
    /// </summary>
    public static bool Verifies(Delivery delivery, string secret)
    {
        if (delivery.Id is null || delivery.Timestamp is null || delivery.Signature is null) return false;
        if (!long.TryParse(delivery.Timestamp, out var seconds)
            || Math.Abs(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - seconds) > 300) return false;
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{delivery.Id}.{delivery.Timestamp}.{delivery.Body}"));
        var expected = Encoding.ASCII.GetBytes("v1," + Convert.ToBase64String(mac));
        return delivery.Signature.Split(' ').Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(s), expected));
    }
}
