using Mediator;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Webhooks;

/// <summary>Queues a delivery again, whatever its status, with a fresh schedule of attempts starting now.</summary>
public sealed record RedeliverChange(long WebhookId, string ChangeId) : ICommand<DeliveryDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Send a change to a webhook again",
        "A failed (or delivered) delivery becomes pending with a fresh schedule of `Webhooks:MaxAttempts` attempts, the first "
        + "one now. The receiver gets the same `webhook-id` and dedupes by it.")
    {
        Problems = [404],
    };
}

public sealed class RedeliverChangeHandler(WebhookStore store, DbSession db, ChangeLog changes, Caller caller)
    : ICommandHandler<RedeliverChange, DeliveryDto>
{
    public async ValueTask<DeliveryDto> Handle(RedeliverChange command, CancellationToken ct)
    {
        await store.LoadAsync(command.WebhookId, null, ct);
        var key = new { caller.TenantId, command.WebhookId, command.ChangeId, Now = store.Now };
        // Clearing the lease also voids an attempt in flight: its outcome will not overwrite this.
        if (await db.ExecuteAsync(Sql.Requeue, key, ct) == 0) throw new NotFoundException("Delivery", command.ChangeId);
        changes.DeliveryQueued();
        return (await db.QuerySingleOrDefaultAsync<DeliveryRow>(DeliveryRow.Load, key, ct))!.ToDto();
    }

    private static class Sql
    {
        public const string Requeue = """
            UPDATE WebhookDeliveries
            SET Status = 'pending', Attempts = 0, NextAttemptAtMs = @Now, LeaseToken = NULL, LeaseUntilMs = NULL,
                LastAttemptAtMs = NULL, ResponseStatus = NULL, Error = NULL
            WHERE TenantId = @TenantId AND WebhookId = @WebhookId AND ChangeId = @ChangeId
            """;
    }
}
