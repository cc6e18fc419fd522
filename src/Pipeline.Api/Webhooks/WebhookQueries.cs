using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Webhooks;

/// <summary>Reads webhooks (never their secrets) and their deliveries.</summary>
public sealed class WebhookQueries(Reads reads, Caller caller)
{
    public async Task<IReadOnlyList<WebhookDto>> ListAsync(CancellationToken ct) =>
        (await reads.QueryAsync<WebhookRow>(Sql.List, new { caller.TenantId }, ct)).Select(r => r.ToDto()).ToList();

    public async Task<WebhookDto> GetAsync(long id, CancellationToken ct) =>
        (await reads.SingleOrDefaultAsync<WebhookRow>(WebhookSql.Load, new { caller.TenantId, Id = id }, ct))?.ToDto()
        ?? throw new NotFoundException("Webhook", id);

    /// <summary>Newest first, optionally of one status.</summary>
    public async Task<Page<DeliveryDto>> DeliveriesAsync(long webhookId, string? status, string? cursor, int? limit, CancellationToken ct)
    {
        if (status is not null && !Enum.GetValues<DeliveryStatus>().Select(EnumText.Of).Contains(status))
            throw new BadRequestException("status", "status must be pending, delivered or failed.");
        await GetAsync(webhookId, ct);
        var size = Paging.Limit(limit);
        var before = Paging.After(cursor);
        var rows = await reads.QueryAsync<DeliveryRow>(Sql.Deliveries(reads.Dialect), new
        {
            caller.TenantId, WebhookId = webhookId, Status = status,
            Before = before == 0 ? long.MaxValue : before, Limit = size + 1,
        }, ct);
        var page = Paging.Of(rows, size, r => r.Id);
        return new Page<DeliveryDto>(page.Items.Select(r => r.ToDto()).ToList(), page.NextCursor);
    }

    private static class Sql
    {
        public const string List = $"SELECT {WebhookSql.Columns} FROM Webhooks WHERE TenantId = @TenantId ORDER BY Id";

        public static string Deliveries(ISqlDialect d) => $"""
            SELECT {DeliveryRow.Columns}
            FROM WebhookDeliveries
            WHERE TenantId = @TenantId AND WebhookId = @WebhookId AND Id < @Before AND (@Status IS NULL OR Status = @Status)
            ORDER BY Id DESC
            {d.LimitClause}
            """;
    }
}

public sealed class DeliveryRow
{
    public const string Columns = "Id, ChangeId, ChangeType, Attempts, Status, ResponseStatus, Error, LastAttemptAtMs, NextAttemptAtMs";

    public const string Load = $"""
        SELECT {Columns} FROM WebhookDeliveries WHERE TenantId = @TenantId AND WebhookId = @WebhookId AND ChangeId = @ChangeId
        """;

    public long Id { get; init; }
    public string ChangeId { get; init; } = "";
    public string ChangeType { get; init; } = "";
    public int Attempts { get; init; }
    public string Status { get; init; } = "";
    public int? ResponseStatus { get; init; }
    public string? Error { get; init; }
    public long? LastAttemptAtMs { get; init; }
    public long? NextAttemptAtMs { get; init; }

    public DeliveryDto ToDto()
    {
        var status = EnumText.Parse<DeliveryStatus>(Status);
        return new DeliveryDto(ChangeId, ChangeType, Attempts, status, ResponseStatus, Error, Time(LastAttemptAtMs),
            status == DeliveryStatus.Pending ? Time(NextAttemptAtMs) : null);
    }

    private static DateTimeOffset? Time(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}
