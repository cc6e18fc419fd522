using System.Data.Common;
using DbUp;
using Microsoft.Data.SqlClient;

namespace Pipeline.Api.Data.SqlServer;

public sealed class SqlServerDialect(string connectionString) : ISqlDialect
{
    private const int ForeignKeyViolation = 547;
    private const int UniqueIndexViolation = 2601;
    private const int UniqueConstraintViolation = 2627;

    public DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public string SelectInsertedId => "SELECT CAST(SCOPE_IDENTITY() AS BIGINT);";

    public string LimitClause => "OFFSET 0 ROWS FETCH NEXT @Limit ROWS ONLY";

    /// <summary>HOLDLOCK keeps the shared lock to the end of the transaction, also under READ_COMMITTED_SNAPSHOT.</summary>
    public string? LockStagesShared => "SELECT 1 FROM Tenants WITH (HOLDLOCK, ROWLOCK) WHERE Id = @TenantId";

    public string IdsIn(string jsonParameter) => $"SELECT CAST([value] AS BIGINT) FROM OPENJSON({jsonParameter})";

    public string JsonRows(string jsonParameter, params JsonColumn[] columns) =>
        $"(SELECT * FROM OPENJSON({jsonParameter}) WITH ({string.Join(", ", columns.Select(Column))}))";

    private static string Column(JsonColumn c) => c.Type switch
    {
        JsonColumnType.Int64 => $"{c.Name} BIGINT '$.{c.Name}'",
        JsonColumnType.Text => $"{c.Name} NVARCHAR(4000) '$.{c.Name}'",
        _ => $"{c.Name} NVARCHAR(MAX) '$.{c.Name}' AS JSON",
    };

    public string TakeChangeSequences =>
        "UPDATE ChangeSequences SET LastSequence = LastSequence + @Count OUTPUT inserted.LastSequence WHERE TenantId = @TenantId";

    /// <summary>UPDLOCK holds what the claim read; READPAST steps over rows another instance holds.</summary>
    public string ClaimDueDeliveries => $"""
        UPDATE WebhookDeliveries SET LeaseToken = @Token, LeaseUntilMs = @Until
        WHERE Id IN (SELECT TOP (@Limit) d.Id FROM WebhookDeliveries d WITH (READPAST, UPDLOCK, ROWLOCK)
                     WHERE {DueDeliveries.Where} ORDER BY d.NextAttemptAtMs)
        """;

    public DbConnection CreateConnection() => new SqlConnection(connectionString);

    /// <summary>
    /// Several instances may start at once against one database: an exclusive application lock, held by this
    /// session until the scripts ran, makes the others wait and then find nothing left to do.
    /// </summary>
    public void Migrate()
    {
        EnsureDatabase.For.SqlDatabase(connectionString);
        using var connection = new SqlConnection(connectionString);
        connection.Open();
        using (var acquire = new SqlCommand(Sql.AcquireMigrationLock, connection) { CommandTimeout = 0 })
        {
            var result = (int)acquire.ExecuteScalar()!;
            if (result < 0) throw new InvalidOperationException($"Could not take the migration lock (sp_getapplock returned {result}).");
        }
        Migrations.Run(Migrations.Engine(DeployChanges.To.SqlDatabase(connectionString), Provider));
    }

    internal static class Sql
    {
        public const string AcquireMigrationLock = """
            DECLARE @result INT;
            EXEC @result = sp_getapplock @Resource = N'pipeline-api-migrations', @LockMode = 'Exclusive',
                @LockOwner = 'Session', @LockTimeout = 300000;
            SELECT @result;
            """;
    }

    public bool IsTransient(DbException exception) => exception is SqlException e && TransientErrors.SqlServer.Contains(e.Number);

    public bool IsForeignKeyViolation(DbException exception) => exception is SqlException { Number: ForeignKeyViolation };

    public bool IsUniqueViolation(DbException exception) =>
        exception is SqlException { Number: UniqueIndexViolation or UniqueConstraintViolation };
}
