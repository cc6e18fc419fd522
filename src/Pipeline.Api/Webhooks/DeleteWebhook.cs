using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Webhooks;

/// <summary>Deletes a webhook and its deliveries: nothing more is sent to it.</summary>
public sealed record DeleteWebhook(long WebhookId, long? ExpectedVersion) : ICommand<Unit>, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Delete a webhook", "Its pending deliveries are dropped; the feed keeps every change.")
    {
        Problems = [404, 412],
    };
}

public sealed class DeleteWebhookHandler(WebhookStore store, DbSession db, Caller caller) : ICommandHandler<DeleteWebhook, Unit>
{
    public async ValueTask<Unit> Handle(DeleteWebhook command, CancellationToken ct)
    {
        var row = await store.LoadAsync(command.WebhookId, command.ExpectedVersion, ct);
        await db.ExecuteAsync(Sql.DeleteDeliveries, new { caller.TenantId, row.Id }, ct);
        await db.ExecuteAsync(Sql.Delete, new { caller.TenantId, row.Id }, ct);
        return Unit.Value;
    }

    private static class Sql
    {
        public const string DeleteDeliveries = "DELETE FROM WebhookDeliveries WHERE TenantId = @TenantId AND WebhookId = @Id";

        public const string Delete = "DELETE FROM Webhooks WHERE TenantId = @TenantId AND Id = @Id";
    }
}
