using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Webhooks;

/// <summary>What the webhook commands share, inside the command's unit of work: load with If-Match, save.</summary>
public sealed class WebhookStore(DbSession db, Caller caller, TimeProvider clock)
{
    public long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public async Task<WebhookRow> LoadAsync(long id, long? expectedVersion, CancellationToken ct)
    {
        var row = await db.QuerySingleOrDefaultAsync<WebhookRow>(WebhookSql.Load, new { caller.TenantId, Id = id }, ct)
                  ?? throw new NotFoundException("Webhook", id);
        ETags.Check(expectedVersion, row.Version, "webhook");
        return row;
    }

    /// <summary>Writes the row if nobody changed it since it was read; otherwise the unit of work runs again.</summary>
    public async Task SaveAsync(WebhookRow row, CancellationToken ct)
    {
        row.UpdatedAtMs = Now;
        var updated = await db.ExecuteAsync(Sql.Update, new
        {
            caller.TenantId, row.Id, row.Url, row.Types, row.Description, row.Enabled, row.Secret, row.PreviousSecret,
            row.PreviousSecretUntilMs, row.Version, row.UpdatedAtMs,
        }, ct);
        if (updated == 0) throw new ConcurrentUpdateException($"Webhook {row.Id}");
        row.Version++;
    }

    private static class Sql
    {
        public const string Update = """
            UPDATE Webhooks
            SET Url = @Url, Types = @Types, Description = @Description, Enabled = @Enabled, Secret = @Secret,
                PreviousSecret = @PreviousSecret, PreviousSecretUntilMs = @PreviousSecretUntilMs, Version = Version + 1,
                UpdatedAtMs = @UpdatedAtMs
            WHERE TenantId = @TenantId AND Id = @Id AND Version = @Version
            """;
    }
}

/// <summary>
/// Keeps webhooks off private networks (<see cref="WebhookUrls"/>): a URL is checked when it is saved, and every
/// connection of a delivery checks the addresses its host resolves to then, since DNS can change in between.
/// Resolving is done before the command's transaction opens: no lock is held while DNS answers.
/// </summary>
public sealed class WebhookUrlGuard(IOptionsMonitor<WebhookOptions> options)
{
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    public async Task CheckAsync(string? url, CancellationToken ct)
    {
        if (url is null) return;
        var settings = options.CurrentValue;
        WebhookUrls.CheckShape(url, settings.AllowInsecureUrls).ThrowIfBroken();
        if (settings.AllowPrivateNetworks) return;
        var host = new Uri(url).DnsSafeHost;
        WebhookUrls.CheckAddresses(host, await ResolveAsync(host, ct)).ThrowIfBroken();
    }

    /// <summary>The connection of a delivery: only to an address that is public now (unless private networks are allowed).</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, ct);
        if (!options.CurrentValue.AllowPrivateNetworks && WebhookUrls.CheckAddresses(host, addresses) is { } refused)
            throw new HttpRequestException(refused.Message);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses.ToArray(), context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken ct)
    {
        if (IPAddress.TryParse(host, out var literal)) return [literal];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ResolveTimeout);
        try
        {
            return await Dns.GetHostAddressesAsync(host, timeout.Token);
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return [];
        }
    }
}
