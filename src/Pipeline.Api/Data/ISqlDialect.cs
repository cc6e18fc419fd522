using System.Data.Common;

namespace Pipeline.Api.Data;

/// <summary>
/// Everything that differs between the engines has a name here: connections, migrations, error codes, parameter
/// binding, and the few SQL fragments that no common syntax covers. All other SQL is written once and runs on all.
/// </summary>
public interface ISqlDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>A statement returning the identity the previous INSERT of the same batch produced.</summary>
    string SelectInsertedId { get; }

    /// <summary>Keeps the first <c>@Limit</c> rows; goes right after ORDER BY.</summary>
    string LimitClause { get; }

    /// <summary>
    /// Holds the tenant's row in shared mode until commit (see <see cref="IReadsStages"/>); null where a write
    /// transaction already excludes every other writer (SQLite).
    /// </summary>
    string? LockStagesShared { get; }

    /// <summary>A subquery of the ids in a JSON array parameter (<c>[1,2,3]</c>): set-based, one statement for any number.</summary>
    string IdsIn(string jsonParameter);

    /// <summary>
    /// The rows of a JSON array-of-objects parameter as a table, one column per named member (alias = member name):
    /// many rows written by one statement, without a parameter per value (SQL Server takes at most 2,100).
    /// </summary>
    string JsonRows(string jsonParameter, params JsonColumn[] columns);

    /// <summary>Adds <c>@Count</c> to the tenant's change counter, holding its row until commit; returns the new last sequence.</summary>
    string TakeChangeSequences { get; }

    /// <summary>
    /// Leases up to <c>@Limit</c> due webhook deliveries to <c>@Token</c> until <c>@Until</c>, skipping rows another
    /// instance is claiming right now (SKIP LOCKED, READPAST), so that two instances never take the same attempt.
    /// </summary>
    string ClaimDueDeliveries { get; }

    DbConnection CreateConnection();

    /// <summary>A connection for statements that only read (<see cref="Reads"/>): what writes need may be left out.</summary>
    DbConnection CreateReadConnection() => CreateConnection();

    /// <summary>
    /// Where the engine has one writer (SQLite), units of work queue here, in order and without sleeping, before
    /// they BEGIN; null where writers run side by side.
    /// </summary>
    SemaphoreSlim? WriteGate => null;

    /// <summary>Creates or upgrades the schema with this engine's migration scripts, one process at a time.</summary>
    void Migrate();

    /// <summary>The parameters as this engine's driver must receive them (the statements are the same everywhere).</summary>
    object? Bind(object? parameters) => parameters;

    /// <summary>Commits the unit of work. A failure here leaves the outcome unknown: the commit may have been applied.</summary>
    Task CommitAsync(DbTransaction transaction, CancellationToken ct) => transaction.CommitAsync(ct);

    /// <summary>The engine says "try again": a deadlock, a lock timeout, a serialization failure, a dropped connection.</summary>
    bool IsTransient(DbException exception);

    bool IsForeignKeyViolation(DbException exception);

    bool IsUniqueViolation(DbException exception);
}

/// <summary>A member of the objects of a JSON array parameter read as a column (<see cref="ISqlDialect.JsonRows"/>).</summary>
public sealed record JsonColumn(string Name, JsonColumnType Type)
{
    public static JsonColumn Int64(string name) => new(name, JsonColumnType.Int64);

    public static JsonColumn Text(string name) => new(name, JsonColumnType.Text);

    /// <summary>An object or array member, as its JSON text.</summary>
    public static JsonColumn Json(string name) => new(name, JsonColumnType.Json);
}

public enum JsonColumnType { Int64, Text, Json }

/// <summary>The part of the claim that all engines share: pending, due, not leased, for an enabled webhook.</summary>
public static class DueDeliveries
{
    public const string Where = """
        d.Status = 'pending' AND d.NextAttemptAtMs <= @Now AND (d.LeaseUntilMs IS NULL OR d.LeaseUntilMs < @Now)
        AND EXISTS (SELECT 1 FROM Webhooks w WHERE w.Id = d.WebhookId AND w.Enabled = 1)
        """;
}

public static class WriteGates
{
    /// <summary>
    /// Runs a write where the engine allows it: queued behind the other writers of this process when the engine has
    /// one writer (<see cref="ISqlDialect.WriteGate"/>), at once otherwise. Commands, the webhook dispatcher and the
    /// purges all write through here.
    /// </summary>
    public static async Task<T> QueueWriteAsync<T>(this ISqlDialect dialect, Func<Task<T>> write, CancellationToken ct)
    {
        var gate = dialect.WriteGate;
        if (gate is not null) await gate.WaitAsync(ct);
        try
        {
            return await write();
        }
        finally
        {
            gate?.Release();
        }
    }
}
