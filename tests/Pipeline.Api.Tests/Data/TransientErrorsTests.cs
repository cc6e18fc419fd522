using Microsoft.Data.Sqlite;
using Pipeline.Api.Data.Sqlite;

namespace Pipeline.Api.Tests.Data;

/// <summary>The retry classifier, one row per error: what is worth running the whole unit again for, and what is not.</summary>
public sealed class TransientErrorsTests
{
    [TestCase(1205, true, TestName = "SqlServer 1205 deadlock victim is transient")]
    [TestCase(1222, true, TestName = "SqlServer 1222 lock timeout is transient")]
    [TestCase(40613, true, TestName = "SqlServer 40613 database unavailable is transient")]
    [TestCase(40197, true, TestName = "SqlServer 40197 service error is transient")]
    [TestCase(40501, true, TestName = "SqlServer 40501 service busy is transient")]
    [TestCase(40540, true, TestName = "SqlServer 40540 service error is transient")]
    [TestCase(49918, true, TestName = "SqlServer 49918 not enough resources is transient")]
    [TestCase(49919, true, TestName = "SqlServer 49919 too many create or update is transient")]
    [TestCase(49920, true, TestName = "SqlServer 49920 too many operations is transient")]
    [TestCase(10928, true, TestName = "SqlServer 10928 resource limit is transient")]
    [TestCase(10929, true, TestName = "SqlServer 10929 resources busy is transient")]
    [TestCase(4060, true, TestName = "SqlServer 4060 cannot open database during failover is transient")]
    [TestCase(4221, true, TestName = "SqlServer 4221 replica not ready is transient")]
    [TestCase(233, true, TestName = "SqlServer 233 connection closed before login is transient")]
    [TestCase(64, true, TestName = "SqlServer 64 connection dropped is transient")]
    [TestCase(10053, true, TestName = "SqlServer 10053 connection aborted is transient")]
    [TestCase(10054, true, TestName = "SqlServer 10054 connection reset is transient")]
    [TestCase(10060, true, TestName = "SqlServer 10060 network connect timeout is transient")]
    [TestCase(41301, true, TestName = "SqlServer 41301 dependent transaction failed is transient")]
    [TestCase(41302, true, TestName = "SqlServer 41302 write conflict is transient")]
    [TestCase(41305, true, TestName = "SqlServer 41305 repeatable read failure is transient")]
    [TestCase(41325, true, TestName = "SqlServer 41325 serializable failure is transient")]
    [TestCase(41839, true, TestName = "SqlServer 41839 dependency limit is transient")]
    [TestCase(-2, false, TestName = "SqlServer -2 command timeout is not transient")]
    [TestCase(547, false, TestName = "SqlServer 547 foreign key violation is not transient")]
    [TestCase(2601, false, TestName = "SqlServer 2601 unique index violation is not transient")]
    [TestCase(2627, false, TestName = "SqlServer 2627 unique constraint violation is not transient")]
    [TestCase(515, false, TestName = "SqlServer 515 null into not-null column is not transient")]
    [TestCase(8152, false, TestName = "SqlServer 8152 string truncated is not transient")]
    [TestCase(208, false, TestName = "SqlServer 208 invalid object name is not transient")]
    [TestCase(50001, false, TestName = "SqlServer 50001 append-only history trigger is not transient")]
    public void SqlServer(int number, bool transient) =>
        Assert.That(TransientErrors.IsTransient(DatabaseProvider.SqlServer, number), Is.EqualTo(transient));

    [TestCase(5, true, TestName = "Sqlite 5 SQLITE_BUSY is transient")]
    [TestCase(6, true, TestName = "Sqlite 6 SQLITE_LOCKED is transient")]
    [TestCase(19, false, TestName = "Sqlite 19 SQLITE_CONSTRAINT is not transient")]
    [TestCase(1, false, TestName = "Sqlite 1 SQLITE_ERROR is not transient")]
    [TestCase(11, false, TestName = "Sqlite 11 SQLITE_CORRUPT is not transient")]
    [TestCase(13, false, TestName = "Sqlite 13 SQLITE_FULL is not transient")]
    public void Sqlite(int code, bool transient) =>
        Assert.That(TransientErrors.IsTransient(DatabaseProvider.Sqlite, code), Is.EqualTo(transient));

    [Test]
    public void EveryTableRow_IsCoveredByACaseAbove()
    {
        var covered = typeof(TransientErrorsTests).GetMethod(nameof(SqlServer))!.GetCustomAttributes(typeof(TestCaseAttribute), false)
            .Cast<TestCaseAttribute>().Where(t => (bool)t.Arguments[1]!).Select(t => (int)t.Arguments[0]!);
        Assert.That(TransientErrors.SqlServer.Keys, Is.EquivalentTo(covered));
    }

    [Test]
    public void DriverExceptions_AreClassifiedThroughTheDialect()
    {
        var sqlite = new SqliteDialect("Data Source=:memory:");

        Assert.That(TransientErrors.IsTransient(sqlite, new SqliteException("database is locked", 5)), Is.True);
        Assert.That(TransientErrors.IsTransient(sqlite, new SqliteException("constraint failed", 19)), Is.False);
        Assert.That(TransientErrors.IsTransient(sqlite, new ConcurrentUpdateException("Opportunity 1")), Is.True);
        Assert.That(TransientErrors.IsTransient(sqlite, new TimeoutException()), Is.False);
    }
}
