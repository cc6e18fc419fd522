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

    public DbConnection CreateConnection() => new SqlConnection(connectionString);

    public void Migrate()
    {
        EnsureDatabase.For.SqlDatabase(connectionString);
        Migrations.Run(Migrations.Engine(DeployChanges.To.SqlDatabase(connectionString), Provider));
    }

    public int? ErrorCode(DbException exception) => (exception as SqlException)?.Number;

    public bool IsForeignKeyViolation(DbException exception) => exception is SqlException { Number: ForeignKeyViolation };

    public bool IsUniqueViolation(DbException exception) =>
        exception is SqlException { Number: UniqueIndexViolation or UniqueConstraintViolation };
}
