using Microsoft.Data.Sqlite;
using Pipeline.Api.Data.Sqlite;

namespace Pipeline.Api.Tests.Data;

/// <summary>What the retry classifier makes of real engine errors: a busy database is worth a retry, a broken constraint is not.</summary>
public sealed class TransientErrorsTests
{
    private string _file = "";
    private SqliteDialect _dialect = null!;

    [SetUp]
    public void CreateDatabase()
    {
        _file = Path.Combine(Path.GetTempPath(), $"transient-{Guid.NewGuid():N}.db");
        _dialect = new SqliteDialect($"Data Source={_file};Default Timeout=1");
        using var connection = _dialect.CreateConnection();
        connection.Open();
        Execute(connection, "CREATE TABLE T (Id INTEGER PRIMARY KEY)");
    }

    [TearDown]
    public void DeleteDatabase()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_file);
    }

    [Test]
    public void AWriteWhileAnotherConnectionHoldsTheWriteLock_IsTransient()
    {
        using var holder = _dialect.CreateConnection();
        holder.Open();
        using var transaction = holder.BeginTransaction();
        Execute(holder, "INSERT INTO T (Id) VALUES (1)", transaction);

        using var other = _dialect.CreateConnection();
        other.Open();
        var busy = Assert.Throws<SqliteException>(() => Execute(other, "INSERT INTO T (Id) VALUES (2)"));

        Assert.That(busy!.SqliteErrorCode, Is.EqualTo(5), busy.Message);
        Assert.That(TransientErrors.IsTransient(_dialect, busy), Is.True);
    }

    [Test]
    public void ADuplicateKey_IsNotTransient()
    {
        using var connection = _dialect.CreateConnection();
        connection.Open();
        Execute(connection, "INSERT INTO T (Id) VALUES (1)");
        var duplicate = Assert.Throws<SqliteException>(() => Execute(connection, "INSERT INTO T (Id) VALUES (1)"));

        Assert.That(TransientErrors.IsTransient(_dialect, duplicate!), Is.False);
        Assert.That(_dialect.IsUniqueViolation(duplicate!), Is.True);
    }

    [Test]
    public void AConcurrentUpdate_IsTransient_AndOtherExceptionsAreNot()
    {
        Assert.That(TransientErrors.IsTransient(_dialect, new ConcurrentUpdateException("Opportunity 1")), Is.True);
        Assert.That(TransientErrors.IsTransient(_dialect, new TimeoutException()), Is.False);
    }

    private static void Execute(System.Data.Common.DbConnection connection, string sql, System.Data.Common.DbTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.ExecuteNonQuery();
    }
}
