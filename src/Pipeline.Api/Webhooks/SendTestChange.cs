using System.Text.Json;
using Mediator;
using Microsoft.Extensions.Options;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Pipeline.Api.Webhooks;

/// <summary>Sends a <c>webhook.test</c> change to one webhook, signed and retried like any other; it is not in the feed.</summary>
public sealed record SendTestChange(long WebhookId) : ICommand<DeliveryDto>, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Send a test change to a webhook",
        "A `webhook.test` change (sequence 0, not in the feed) is delivered like any other: signed, retried, listed in the deliveries.")
    {
        Problems = [404, 409],
    };
}

public sealed class SendTestChangeHandler(
    WebhookStore store, DbSession db, ChangeLog changes, Caller caller, IOptions<JsonOptions> json)
    : ICommandHandler<SendTestChange, DeliveryDto>
{
    public async ValueTask<DeliveryDto> Handle(SendTestChange command, CancellationToken ct)
    {
        var webhook = await store.LoadAsync(command.WebhookId, null, ct);
        if (!webhook.Enabled)
            throw new RuleViolationException(new RuleViolation(
                "webhook-disabled", $"Webhook {webhook.Id} is disabled: enable it to send a test.", ViolationKind.Conflict));
        var now = store.Now;
        var change = new ChangeDto(ChangeLog.NewId(), 0, ChangeTypes.WebhookTest, DateTimeOffset.FromUnixTimeMilliseconds(now),
            JsonSerializer.SerializeToElement(new { webhookId = webhook.Id, tenantId = caller.TenantId, actor = caller.Actor },
                json.Value.SerializerOptions));
        var key = new
        {
            caller.TenantId, WebhookId = webhook.Id, ChangeId = change.Id, change.Type, Now = now,
            Payload = JsonSerializer.Serialize(change, json.Value.SerializerOptions),
        };
        await db.ExecuteAsync(Sql.Insert, key, ct);
        changes.DeliveryQueued();
        return (await db.QuerySingleOrDefaultAsync<DeliveryRow>(DeliveryRow.Load, key, ct))!.ToDto();
    }

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO WebhookDeliveries (TenantId, WebhookId, ChangeId, ChangeType, ChangeSequence, Payload, Status, Attempts,
                NextAttemptAtMs, CreatedAtMs)
            VALUES (@TenantId, @WebhookId, @ChangeId, @Type, NULL, @Payload, 'pending', 0, @Now, @Now)
            """;
    }
}
