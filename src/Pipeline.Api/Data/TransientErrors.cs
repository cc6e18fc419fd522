using System.Data.Common;

namespace Pipeline.Api.Data;

/// <summary>
/// The errors worth retrying the whole unit of work for: the engine says "try again" (deadlock, lock, failover,
/// throttling). Constraint violations and command timeouts are not here: repeating them gives the same answer,
/// or doubles the load on a database that is already too slow.
/// </summary>
public static class TransientErrors
{
    public static readonly IReadOnlyDictionary<int, string> SqlServer = new Dictionary<int, string>
    {
        [1205] = "chosen as deadlock victim",
        [1222] = "lock request time-out period exceeded",
        [40613] = "database is not currently available",
        [40197] = "the service encountered an error processing the request",
        [40501] = "the service is currently busy",
        [40540] = "the service encountered an error processing the request",
        [49918] = "not enough resources to process the request",
        [49919] = "too many create or update operations in progress",
        [49920] = "too many operations in progress",
        [10928] = "resource limit reached",
        [10929] = "minimum guarantee reached; resources busy",
        [4060] = "cannot open database (failover in progress)",
        [4221] = "login to read-secondary failed (replica not ready)",
        [233] = "connection closed by the server before login",
        [64] = "connection dropped by the network",
        [10053] = "transport-level error: connection aborted",
        [10054] = "transport-level error: connection reset by peer",
        [10060] = "network connection attempt timed out",
        [41301] = "dependent transaction failed (memory-optimized)",
        [41302] = "row updated by another transaction (memory-optimized)",
        [41305] = "repeatable-read validation failure (memory-optimized)",
        [41325] = "serializable validation failure (memory-optimized)",
        [41839] = "transaction exceeded the dependency limit (memory-optimized)",
    };

    public static readonly IReadOnlyDictionary<int, string> Sqlite = new Dictionary<int, string>
    {
        [5] = "SQLITE_BUSY: the database file is locked by another connection",
        [6] = "SQLITE_LOCKED: a table is locked within the same connection or shared cache",
    };

    public static bool IsTransient(DatabaseProvider provider, int errorCode) =>
        (provider == DatabaseProvider.SqlServer ? SqlServer : Sqlite).ContainsKey(errorCode);

    public static bool IsTransient(ISqlDialect dialect, Exception exception) => exception switch
    {
        ConcurrentUpdateException => true,
        DbException db => dialect.ErrorCode(db) is { } code && IsTransient(dialect.Provider, code),
        _ => false,
    };
}

/// <summary>A row changed between this unit's read and its write; the whole unit runs again on fresh data.</summary>
public sealed class ConcurrentUpdateException(string what) : Exception($"{what} changed concurrently.");
