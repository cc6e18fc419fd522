using System.Data.Common;

namespace Pipeline.Api.Data;

/// <summary>
/// The errors worth retrying the whole unit of work for, per engine: the engine says "try again" (deadlock, lock,
/// serialization failure, failover, throttling). Constraint violations and command timeouts are not here:
/// repeating them gives the same answer, or doubles the load on a database that is already too slow.
/// </summary>
public static class TransientErrors
{
    public static readonly IReadOnlySet<int> SqlServer = new HashSet<int>
    {
        1205, // chosen as deadlock victim
        1222, // lock request time-out period exceeded
        40613, 40197, 40501, 40540, 49918, 49919, 49920, 10928, 10929, // Azure SQL: unavailable, busy, throttled
        4060, 4221, // cannot open database (failover), read-secondary not ready
        233, 64, 10053, 10054, 10060, // connection closed, dropped, aborted, reset, timed out
        41301, 41302, 41305, 41325, 41839, // memory-optimized tables: write conflicts and validation failures
    };

    public static readonly IReadOnlySet<int> Sqlite = new HashSet<int>
    {
        5, // SQLITE_BUSY: the database file is locked by another connection
        6, // SQLITE_LOCKED: a table is locked within the same connection or shared cache
    };

    public static readonly IReadOnlySet<string> PostgreSql = new HashSet<string>(StringComparer.Ordinal)
    {
        "40001", // serialization_failure
        "40P01", // deadlock_detected
        "55P03", // lock_not_available
        "57P03", // cannot_connect_now (starting up, failover)
        "53300", // too_many_connections
    };

    public static bool IsTransient(ISqlDialect dialect, Exception exception) => exception switch
    {
        ConcurrentUpdateException => true,
        DbException db => dialect.IsTransient(db),
        _ => false,
    };
}

/// <summary>A row changed between this unit's read and its write; the whole unit runs again on fresh data.</summary>
public sealed class ConcurrentUpdateException(string what) : Exception($"{what} changed concurrently.");
