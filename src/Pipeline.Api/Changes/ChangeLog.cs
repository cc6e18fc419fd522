using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Pipeline.Api.Data;
using Pipeline.Api.Tenancy;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Pipeline.Api.Changes;

/// <summary>
/// The outbox of one unit of work. Handlers add the changes they make; the transaction behaviour writes them last,
/// just before COMMIT, with the sequences taken from the tenant's counter and one pending delivery per matching
/// webhook. Written in the transaction, they are published exactly when it commits and never when it rolls back.
/// </summary>
public sealed class ChangeLog(DbSession db, TimeProvider clock, IOptions<JsonOptions> json)
{
    private readonly List<(string Type, string Data)> _pending = [];
    private string? _tenantId;
    private bool _deliveriesQueued;

    /// <summary>A delivery was queued outside the outbox (a redelivery, a test): the dispatcher is told after COMMIT.</summary>
    public void DeliveryQueued() => _deliveriesQueued = true;

    public void Add(Caller caller, string type, object data) => Add(caller.TenantId, caller.Actor, type, data);

    public void Add(string tenantId, string actor, string type, object data)
    {
        if (_tenantId is not null && _tenantId != tenantId)
            throw new InvalidOperationException("A unit of work changes one tenant's resources.");
        _tenantId = tenantId;
        var options = json.Value.SerializerOptions;
        var node = JsonSerializer.SerializeToNode(data, options)!.AsObject();
        node["tenantId"] = tenantId;
        node["actor"] = actor;
        _pending.Add((type, node.ToJsonString(options)));
    }

    /// <summary>A unit of work that runs again starts with an empty outbox.</summary>
    internal void Reset()
    {
        _pending.Clear();
        _tenantId = null;
        _deliveriesQueued = false;
    }

    /// <summary>Writes the pending changes and their deliveries; says what was published, for the bells after COMMIT.</summary>
    internal async Task<Published> FlushAsync(CancellationToken ct)
    {
        if (_pending.Count == 0) return new Published(false, _deliveriesQueued);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        // Last statement but two of the unit of work: the counter's row lock is held only for the rest of the commit.
        var last = await db.ExecuteScalarAsync<long>(db.Dialect.TakeChangeSequences, new { TenantId = _tenantId, _pending.Count }, ct);
        var changes = _pending.Select((c, i) => new Written(last - _pending.Count + 1 + i, NewId(), c.Type, c.Data)).ToList();
        await db.ExecuteAsync(Sql.Insert(db.Dialect), new { TenantId = _tenantId, Now = now, Changes = Rows(changes) }, ct);

        var webhooks = await db.QueryAsync<(long Id, string Types)>(Sql.Webhooks, new { TenantId = _tenantId }, ct);
        var deliveries = webhooks
            .SelectMany(w => changes.Where(c => Subscribes(w.Types, c.Type))
                .Select(c => new { WebhookId = w.Id, c.Sequence, c.ChangeId, c.Type }))
            .ToList();
        if (deliveries.Count > 0)
            await db.ExecuteAsync(Sql.Deliver(db.Dialect), new
            {
                TenantId = _tenantId, Now = now, Deliveries = JsonSerializer.Serialize(deliveries),
            }, ct);
        var published = new Published(true, _deliveriesQueued || deliveries.Count > 0);
        Reset();
        return published;
    }

    /// <summary>A webhook's types: a comma-separated list, empty for every type.</summary>
    public static bool Subscribes(string types, string type) =>
        types.Length == 0 || types.Split(',').Contains(type, StringComparer.Ordinal);

    /// <summary>Unique across tenants and instances, time-ordered (UUID version 7).</summary>
    public static string NewId() => "chg_" + Guid.CreateVersion7().ToString("N");

    private sealed record Written(long Sequence, string ChangeId, string Type, string Data);

    /// <summary>A JSON array whose Data members are the changes' objects themselves (not strings holding them).</summary>
    private static string Rows(IEnumerable<Written> changes)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var c in changes)
            {
                writer.WriteStartObject();
                writer.WriteNumber("Sequence", c.Sequence);
                writer.WriteString("ChangeId", c.ChangeId);
                writer.WriteString("Type", c.Type);
                writer.WritePropertyName("Data");
                writer.WriteRawValue(c.Data, skipInputValidation: true);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static class Sql
    {
        public static string Insert(ISqlDialect d) => $"""
            INSERT INTO Changes (TenantId, Sequence, ChangeId, Type, OccurredAtMs, Data)
            SELECT @TenantId, c.Sequence, c.ChangeId, c.Type, @Now, c.Data
            FROM {d.JsonRows("@Changes",
                JsonColumn.Int64("Sequence"), JsonColumn.Text("ChangeId"), JsonColumn.Text("Type"), JsonColumn.Json("Data"))} c
            """;

        /// <summary>Disabled ones too: their deliveries wait, and go when the webhook is enabled again.</summary>
        public const string Webhooks = "SELECT Id, Types FROM Webhooks WHERE TenantId = @TenantId";

        public static string Deliver(ISqlDialect d) => $"""
            INSERT INTO WebhookDeliveries (TenantId, WebhookId, ChangeId, ChangeType, ChangeSequence, Payload, Status, Attempts,
                NextAttemptAtMs, CreatedAtMs)
            SELECT @TenantId, p.WebhookId, p.ChangeId, p.Type, p.Sequence, NULL, 'pending', 0, @Now, @Now
            FROM {d.JsonRows("@Deliveries", JsonColumn.Int64("WebhookId"), JsonColumn.Int64("Sequence"), JsonColumn.Text("ChangeId"),
                JsonColumn.Text("Type"))} p
            """;
    }
}
