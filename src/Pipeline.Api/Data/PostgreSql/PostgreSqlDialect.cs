using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Dapper;
using DbUp;
using Npgsql;

namespace Pipeline.Api.Data.PostgreSql;

public sealed class PostgreSqlDialect : ISqlDialect, IDisposable
{
    private const string UniqueViolation = "23505";
    private const string ForeignKeyViolation = "23503";
    private const string DuplicateDatabase = "42P04";

    /// <summary>Any 64-bit number that names the migration lock; the same in every instance.</summary>
    private const long MigrationLockKey = 0x5049_5045_4C49_4E45; // "PIPELINE"

    private readonly string _connectionString;
    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlDialect(string connectionString)
    {
        _connectionString = connectionString;
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    /// <summary>Closes the pooled connections.</summary>
    public void Dispose() => _dataSource.Dispose();

    public string SelectInsertedId => "SELECT lastval();";

    public string LimitClause => "LIMIT @Limit";

    /// <summary>FOR SHARE: movers hold it side by side; the stage configuration's UPDATE of the row waits for them all.</summary>
    public string? LockStagesShared => "SELECT 1 FROM Tenants WHERE Id = @TenantId FOR SHARE";

    public string IdsIn(string jsonParameter) => $"SELECT CAST(jsonb_array_elements_text(CAST({jsonParameter} AS jsonb)) AS BIGINT)";

    /// <summary>json, not jsonb: a JSON member keeps its text (jsonb would reorder an object's keys).</summary>
    public string JsonRows(string jsonParameter, params JsonColumn[] columns) =>
        $"(SELECT {string.Join(", ", columns.Select(Column))} FROM json_array_elements(CAST({jsonParameter} AS json)) AS r(e))";

    private static string Column(JsonColumn c) => c.Type switch
    {
        JsonColumnType.Int64 => $"CAST(e->>'{c.Name}' AS BIGINT) AS {c.Name}",
        JsonColumnType.Text => $"e->>'{c.Name}' AS {c.Name}",
        _ => $"CAST(e->'{c.Name}' AS TEXT) AS {c.Name}",
    };

    public string TakeChangeSequences =>
        "UPDATE ChangeSequences SET LastSequence = LastSequence + @Count WHERE TenantId = @TenantId RETURNING LastSequence";

    public string ClaimDueDeliveries => $"""
        UPDATE WebhookDeliveries SET LeaseToken = @Token, LeaseUntilMs = @Until
        WHERE Id IN (SELECT d.Id FROM WebhookDeliveries d WHERE {DueDeliveries.Where}
                     ORDER BY d.NextAttemptAtMs LIMIT @Limit FOR UPDATE OF d SKIP LOCKED)
        """;

    public DbConnection CreateConnection() => _dataSource.CreateConnection();

    /// <summary>
    /// Creates the database if missing, then migrates under a session advisory lock: instances starting together
    /// wait for the first, then find nothing left to do.
    /// </summary>
    public void Migrate()
    {
        try
        {
            EnsureDatabase.For.PostgresqlDatabase(_connectionString, new DbUp.Engine.Output.NoOpUpgradeLog());
        }
        catch (PostgresException e) when (e.SqlState is DuplicateDatabase or UniqueViolation)
        {
            // Another instance created it between DbUp's check and its CREATE DATABASE (a race on the catalog's
            // unique index answers 23505 rather than 42P04).
        }
        using var connection = _dataSource.OpenConnection();
        connection.Execute("SELECT pg_advisory_lock(@Key)", new { Key = MigrationLockKey }, commandTimeout: 0);
        try
        {
            Migrations.Run(Migrations.Engine(DeployChanges.To.PostgresqlDatabase(_connectionString), Provider));
        }
        finally
        {
            connection.Execute("SELECT pg_advisory_unlock(@Key)", new { Key = MigrationLockKey });
        }
    }

    /// <summary>
    /// Flags are SMALLINT 0/1 here (as on the other engines), and PostgreSQL compares no SMALLINT with a boolean:
    /// every bool parameter goes as 0 or 1. Nulls keep their type, so <c>@TeamId IS NULL</c> stays typed.
    /// </summary>
    public object? Bind(object? parameters) => parameters switch
    {
        null or string or DynamicParameters => parameters,
        IEnumerable many => many.Cast<object>().Select(Bind).ToList(),
        _ => Flatten(parameters),
    };

    private static readonly ConcurrentDictionary<Type, (string Name, Type Type, Func<object, object?> Get)[]> Members = new();

    private static DynamicParameters Flatten(object template)
    {
        var members = Members.GetOrAdd(template.GetType(), type => type.GetProperties()
            .Select(p => (p.Name, Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType, (Func<object, object?>)p.GetValue))
            .ToArray());
        var bound = new DynamicParameters();
        foreach (var (name, type, get) in members)
        {
            var value = get(template);
            if (value is bool flag) bound.Add(name, flag ? (short)1 : (short)0, DbType.Int16);
            else if (value is null) bound.Add(name, null, NullType(type));
            else bound.Add(name, value);
        }
        return bound;
    }

    private static DbType? NullType(Type type) =>
        type == typeof(long) ? DbType.Int64
        : type == typeof(int) ? DbType.Int32
        : type == typeof(bool) ? DbType.Int16
        : type == typeof(decimal) ? DbType.Decimal
        : type == typeof(string) ? DbType.String
        : null;

    public bool IsTransient(DbException exception) => exception switch
    {
        PostgresException e => TransientErrors.PostgreSql.Contains(e.SqlState),
        // A broken connection (I/O, socket, timeout) before COMMIT: the transaction was rolled back with it.
        NpgsqlException e => e.IsTransient,
        _ => false,
    };

    public bool IsForeignKeyViolation(DbException exception) => exception is PostgresException { SqlState: ForeignKeyViolation };

    public bool IsUniqueViolation(DbException exception) => exception is PostgresException { SqlState: UniqueViolation };
}
