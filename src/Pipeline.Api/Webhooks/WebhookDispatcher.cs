using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using StandardWebhooks;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Pipeline.Api.Webhooks;

/// <summary>
/// Sends the outbox's pending deliveries, at least once. Each round leases a batch of due deliveries (the dialect's
/// claim skips rows another instance holds), POSTs them concurrently, and records each outcome under its lease: a
/// 2xx is delivered; anything else, a timeout or a refused connection is tried again later with exponential back-off
/// and jitter, up to <c>Webhooks:MaxAttempts</c>, then failed. A crashed instance's leases expire and another takes over.
/// The schedule lives in the database, not in memory: it survives restarts and is shared by every instance.
/// </summary>
public sealed partial class WebhookDispatcher(
    ISqlDialect dialect, IHttpClientFactory http, ChangeSignal signal, IOptionsMonitor<WebhookOptions> options,
    TimeProvider clock, WebhookTelemetry telemetry, IOptions<JsonOptions> json, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    public const string HttpClientName = "webhooks";
    private const int BatchSize = 50;

    /// <summary>The Error column's length: a reason that names a long URL's host is cut, never refused by the database.</summary>
    private const int MaxError = 500;
    private static readonly TimeSpan GaugeEvery = TimeSpan.FromSeconds(10);
    private DateTimeOffset _gaugedAt = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var rang = signal.NextDelivery;
            var sent = 0;
            try
            {
                sent = await DeliverDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                RoundFailed(e);
            }
            if (sent == BatchSize) continue;
            try
            {
                await rang.WaitAsync(options.CurrentValue.PollInterval, clock, stoppingToken);
            }
            catch (TimeoutException)
            {
                // Due retries and other instances' changes are found by looking again.
            }
        }
    }

    /// <summary>One round: lease what is due, send it, record the outcomes. Returns how many were sent.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        var token = Guid.NewGuid().ToString("N");
        await using var connection = dialect.CreateConnection();
        await GaugeAsync(connection, now, ct);
        // A read first: the claim is a write, and on SQLite every write waits for the one writer. Without it, the
        // dispatcher contended with the commands for the write lock on every round, deliveries or not.
        var nextDue = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.NextDue, cancellationToken: ct));
        if (nextDue is null || nextDue > now.ToUnixTimeMilliseconds()) return 0;
        var claimed = await dialect.QueueWriteAsync(() => connection.ExecuteAsync(new CommandDefinition(dialect.ClaimDueDeliveries,
            dialect.Bind(new
            {
                Token = token, Now = now.ToUnixTimeMilliseconds(), Until = (now + settings.LeaseDuration).ToUnixTimeMilliseconds(),
                Limit = BatchSize,
            }), cancellationToken: ct)), ct);
        if (claimed == 0) return 0;
        var leased = (await connection.QueryAsync<Leased>(new CommandDefinition(Sql.Leased, new { Token = token }, cancellationToken: ct)))
            .ToList();
        await connection.CloseAsync();

        await Parallel.ForEachAsync(leased, new ParallelOptions { MaxDegreeOfParallelism = settings.Concurrency, CancellationToken = ct },
            async (delivery, token) => await RecordAsync(delivery, await AttemptAsync(delivery, settings, token), settings, token));
        return leased.Count;
    }

    private sealed record Outcome(bool Delivered, int? Status, string? Error, TimeSpan Took);

    private async Task<Outcome> AttemptAsync(Leased d, WebhookOptions settings, CancellationToken ct)
    {
        var body = d.Body(json.Value.SerializerOptions);
        if (body is null) return new Outcome(false, null, "The change is no longer kept (past Changes:Retention).", TimeSpan.Zero);
        var sentAt = clock.GetUtcNow();
        using var request = new HttpRequestMessage(HttpMethod.Post, d.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", d.ChangeId);
        request.Headers.Add("webhook-timestamp", sentAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        var signatures = d.Secrets(sentAt).Select(s => new StandardWebhook(s).Sign(d.ChangeId, sentAt, body));
        request.Headers.Add("webhook-signature", string.Join(' ', signatures));
        var started = Stopwatch.GetTimestamp();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            using var response = await http.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            var delivered = response.IsSuccessStatusCode;
            return new Outcome(delivered, status, delivered ? null : $"The receiver answered {status}.", Stopwatch.GetElapsedTime(started));
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new Outcome(false, null, $"No answer within {settings.Timeout.TotalSeconds:0.#} s.", Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            return new Outcome(false, null, e.InnerException?.Message ?? e.Message, Stopwatch.GetElapsedTime(started));
        }
    }

    private async Task RecordAsync(Leased d, Outcome outcome, WebhookOptions settings, CancellationToken ct)
    {
        var attempts = d.Attempts + 1;
        var now = clock.GetUtcNow();
        var (status, next, label) = outcome.Delivered ? ("delivered", (long?)null, "delivered")
            : attempts >= settings.MaxAttempts ? ("failed", null, "failed")
            : ("pending", (now + Backoff(attempts, settings)).ToUnixTimeMilliseconds(), "retrying");
        telemetry.Attempted(label, outcome.Took);
        if (!outcome.Delivered) AttemptFailed(d.ChangeId, d.WebhookId, attempts, label, outcome.Error);
        await using var connection = dialect.CreateConnection();
        await dialect.QueueWriteAsync(() => connection.ExecuteAsync(new CommandDefinition(Sql.Record, dialect.Bind(new
        {
            d.Id, Token = d.LeaseToken, Status = status, Attempts = attempts, Next = next, At = now.ToUnixTimeMilliseconds(),
            ResponseStatus = outcome.Status, Error = outcome.Error is { Length: > MaxError } e ? e[..MaxError] : outcome.Error,
        }), cancellationToken: ct)), ct);
    }

    /// <summary>The wait after the n-th failed attempt: exponential, ±20 % jitter (receivers coming back are not stampeded).</summary>
    public static TimeSpan Backoff(int failedAttempts, WebhookOptions settings) =>
        settings.FirstRetryDelay * Math.Pow(settings.BackoffFactor, failedAttempts - 1) * (0.8 + 0.4 * Random.Shared.NextDouble());

    private async Task GaugeAsync(System.Data.Common.DbConnection connection, DateTimeOffset now, CancellationToken ct)
    {
        if (now - _gaugedAt < GaugeEvery) return;
        _gaugedAt = now;
        var oldest = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(Sql.OldestPending, cancellationToken: ct));
        telemetry.OldestPending(oldest is { } ms ? now - DateTimeOffset.FromUnixTimeMilliseconds(ms) : TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Webhook delivery round failed; the next round tries again")]
    private partial void RoundFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Delivery of change {ChangeId} to webhook {WebhookId}, attempt {Attempt}: {Outcome} ({Error})")]
    private partial void AttemptFailed(string changeId, long webhookId, int attempt, string outcome, string? error);

    /// <summary>A leased delivery with what sending it needs: the webhook's URL and secrets, the change.</summary>
    private sealed class Leased
    {
        public long Id { get; init; }
        public long WebhookId { get; init; }
        public string LeaseToken { get; init; } = "";
        public string ChangeId { get; init; } = "";
        public string ChangeType { get; init; } = "";
        public string? Payload { get; init; }
        public int Attempts { get; init; }
        public string Url { get; init; } = "";
        public string Secret { get; init; } = "";
        public string? PreviousSecret { get; init; }
        public long? PreviousSecretUntilMs { get; init; }
        public long? Sequence { get; init; }
        public long? OccurredAtMs { get; init; }
        public string? Data { get; init; }

        /// <summary>The change as the feed serves it; a test carries its own. Null when the change was purged.</summary>
        public string? Body(JsonSerializerOptions options) =>
            Payload ?? (Sequence is { } sequence
                ? JsonSerializer.Serialize(new ChangeDto(ChangeId, sequence, ChangeType,
                    DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs!.Value), JsonDocument.Parse(Data!).RootElement), options)
                : null);

        /// <summary>The current secret, and the previous one while the rotation overlap lasts.</summary>
        public IEnumerable<string> Secrets(DateTimeOffset now) =>
            PreviousSecret is { } previous && PreviousSecretUntilMs > now.ToUnixTimeMilliseconds() ? [Secret, previous] : [Secret];
    }

    private static class Sql
    {
        public const string Leased = """
            SELECT d.Id, d.WebhookId, d.LeaseToken, d.ChangeId, d.ChangeType, d.Payload, d.Attempts,
                   w.Url, w.Secret, w.PreviousSecret, w.PreviousSecretUntilMs, c.Sequence, c.OccurredAtMs, c.Data
            FROM WebhookDeliveries d
            JOIN Webhooks w ON w.Id = d.WebhookId
            LEFT JOIN Changes c ON c.TenantId = d.TenantId AND c.Sequence = d.ChangeSequence
            WHERE d.LeaseToken = @Token
            """;

        /// <summary>Only under the lease it was sent with: a redelivery (which clears it) is never overwritten.</summary>
        public const string Record = """
            UPDATE WebhookDeliveries
            SET Status = @Status, Attempts = @Attempts, NextAttemptAtMs = @Next, LastAttemptAtMs = @At, ResponseStatus = @ResponseStatus,
                Error = @Error, LeaseToken = NULL, LeaseUntilMs = NULL
            WHERE Id = @Id AND LeaseToken = @Token
            """;

        public const string OldestPending = "SELECT MIN(CreatedAtMs) FROM WebhookDeliveries WHERE Status = 'pending'";

        /// <summary>The partial index of pending deliveries answers it from its first entry.</summary>
        public const string NextDue = "SELECT MIN(NextAttemptAtMs) FROM WebhookDeliveries WHERE Status = 'pending'";
    }
}
