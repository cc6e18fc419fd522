using System.Data.Common;

namespace Pipeline.Api.Data;

/// <summary>
/// Everything that differs between the two engines has a name here: connections, migrations, error codes, and
/// the two SQL fragments that no common syntax covers. All other SQL is written once and runs on both.
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

    DbConnection CreateConnection();

    /// <summary>Creates or upgrades the schema with this engine's migration scripts.</summary>
    void Migrate();

    /// <summary>The engine's error code for an exception of its driver, or null when the exception is not one.</summary>
    int? ErrorCode(DbException exception);

    bool IsForeignKeyViolation(DbException exception);

    bool IsUniqueViolation(DbException exception);
}
