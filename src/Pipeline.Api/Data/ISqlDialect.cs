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

    DbConnection CreateConnection();

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
