using System.Text.Json;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Stages;

public enum StageAuditAction { Created, Updated, Reordered, Deleted }

/// <summary>One change to a stage's configuration: who, when, which fields, and their values before and after.</summary>
/// <param name="Id">Entry id (entries are ordered by id).</param>
/// <param name="StageId">The stage (it may since have been deleted).</param>
/// <param name="StageName">Its name after the change (before it, for a deletion).</param>
/// <param name="Action">created, updated, reordered or deleted.</param>
/// <param name="Fields">The fields that changed: name, teamId, folded, probability, autoProbability, rottingDays, sequence.</param>
/// <param name="Before">Those fields before (null on creation).</param>
/// <param name="After">Those fields after (null on deletion).</param>
/// <param name="Actor">Who: the token's subject.</param>
/// <param name="OccurredAt">When.</param>
public sealed record StageAuditEntryDto(
    long Id, long StageId, string StageName, StageAuditAction Action, IReadOnlyList<string> Fields,
    JsonElement? Before, JsonElement? After, string Actor, DateTimeOffset OccurredAt);

/// <summary>
/// Records stage configuration changes in the transaction that makes them (HubSpot keeps this; Odoo does not), and
/// publishes each as a change (<c>stage.created</c>, <c>stage.updated</c>, <c>stage.reordered</c>, <c>stage.deleted</c>).
/// </summary>
public sealed class StageAuditLog(DbSession db, ChangeLog changes, Caller caller, TimeProvider clock)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Dictionary<string, object?> Snapshot(StageRow stage) => new()
    {
        ["name"] = stage.Name,
        ["teamId"] = stage.TeamId,
        ["folded"] = stage.Folded,
        ["probability"] = stage.Probability,
        ["autoProbability"] = stage.AutoProbability,
        ["rottingDays"] = stage.RottingDays,
        ["sequence"] = stage.Sequence,
    };

    /// <summary>One audit entry and one change; <paramref name="reassigned"/>, when the probability changed, is how many took it.</summary>
    public async Task RecordAsync(
        StageRow stage, StageAuditAction action, Dictionary<string, object?>? before, Dictionary<string, object?>? after,
        CancellationToken ct, int? reassigned = null)
    {
        var fields = ChangedFields.Of(before, after);
        var changedBefore = ChangedFields.Only(fields, before);
        var changedAfter = ChangedFields.Only(fields, after);
        await db.ExecuteAsync(Sql.Record, new
        {
            caller.TenantId,
            StageId = stage.Id,
            StageName = stage.Name,
            Action = EnumText.Of(action),
            Fields = string.Join(',', fields),
            Before = changedBefore is null ? null : JsonSerializer.Serialize(changedBefore, Json),
            After = changedAfter is null ? null : JsonSerializer.Serialize(changedAfter, Json),
            caller.Actor,
            Now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
        }, ct);
        if (fields.Count == 0) return;
        var type = action switch
        {
            StageAuditAction.Created => ChangeTypes.StageCreated,
            StageAuditAction.Reordered => ChangeTypes.StageReordered,
            StageAuditAction.Deleted => ChangeTypes.StageDeleted,
            _ => ChangeTypes.StageUpdated,
        };
        changes.Add(caller, type, reassigned is { } count
            ? new { stageId = stage.Id, stageName = stage.Name, fields, before = changedBefore, after = changedAfter, reassigned = count }
            : new { stageId = stage.Id, stageName = stage.Name, fields, before = changedBefore, after = changedAfter });
    }

    private static class Sql
    {
        public const string Record = """
            INSERT INTO StageAudit (TenantId, StageId, StageName, Action, Fields, Before, After, Actor, OccurredAtMs)
            VALUES (@TenantId, @StageId, @StageName, @Action, @Fields, @Before, @After, @Actor, @Now)
            """;
    }
}

/// <summary>Reads the audit, newest first.</summary>
public sealed class StageAuditQueries(Reads reads, Caller caller)
{
    public async Task<Page<StageAuditEntryDto>> ListAsync(long? stageId, string? cursor, int? limit, CancellationToken ct)
    {
        var size = Paging.Limit(limit);
        var before = Paging.After(cursor);
        var rows = await reads.QueryAsync<Row>(Sql.List(reads.Dialect), new
        {
            caller.TenantId, StageId = stageId, Before = before == 0 ? long.MaxValue : before, Limit = size + 1,
        }, ct);
        return Paging.Of(rows.Select(r => r.ToDto()).ToList(), size, e => e.Id);
    }

    private sealed class Row
    {
        public long Id { get; init; }
        public long StageId { get; init; }
        public string StageName { get; init; } = "";
        public string Action { get; init; } = "";
        public string Fields { get; init; } = "";
        public string? Before { get; init; }
        public string? After { get; init; }
        public string Actor { get; init; } = "";
        public long OccurredAtMs { get; init; }

        public StageAuditEntryDto ToDto() => new(
            Id, StageId, StageName, EnumText.Parse<StageAuditAction>(Action),
            Fields.Split(',', StringSplitOptions.RemoveEmptyEntries), Parse(Before), Parse(After), Actor,
            DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs));

        private static JsonElement? Parse(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
    }

    private static class Sql
    {
        public static string List(ISqlDialect dialect) => $"""
            SELECT Id, StageId, StageName, Action, Fields, Before, After, Actor, OccurredAtMs
            FROM StageAudit
            WHERE TenantId = @TenantId AND Id < @Before AND (@StageId IS NULL OR StageId = @StageId)
            ORDER BY Id DESC
            {dialect.LimitClause}
            """;
    }
}
