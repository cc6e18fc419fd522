using Dapper;
using Microsoft.Data.Sqlite;
using Pipeline.Api.Data.Sqlite;

namespace Pipeline.Api.Tests.Data;

/// <summary>What the schema itself refuses, whatever code runs against it (SQLite; the T-SQL twins are parsed elsewhere).</summary>
public sealed class SchemaGuaranteesTests
{
    private string _file = "";
    private SqliteConnection _db = null!;

    [SetUp]
    public void Migrate()
    {
        _file = Path.Combine(Path.GetTempPath(), $"schema-{Guid.NewGuid():N}.db");
        new SqliteDialect($"Data Source={_file}").Migrate();
        _db = new SqliteConnection($"Data Source={_file};Foreign Keys=True;Pooling=False");
        _db.Open();
        _db.Execute("""
            INSERT INTO Tenants (Id, ProvisionedAtMs) VALUES ('a', 0), ('b', 0);
            INSERT INTO Stages (Id, TenantId, Name, Sequence, Folded, AutoProbability, IsClosing, CreatedAtMs, UpdatedAtMs) VALUES (1, 'a', 'Nouveau', 1, 0, 0, 0, 0, 0);
            INSERT INTO Stages (Id, TenantId, Name, Sequence, Folded, AutoProbability, IsClosing, CreatedAtMs, UpdatedAtMs) VALUES (2, 'b', 'Nouveau', 1, 0, 0, 0, 0, 0);
            INSERT INTO Opportunities (Id, TenantId, Name, StageId, ProbabilityBp, ProbabilitySource, Outcome, StageChangedAtMs, CreatedAtMs, UpdatedAtMs)
                VALUES (1, 'a', 'Toiture', 1, 1000, 'stage', 'open', 0, 0, 0);
            INSERT INTO OpportunityHistory (TenantId, OpportunityId, OccurredAtMs, Cause, ToStageId, ToStageName, ProbabilityAfterBp, Actor)
                VALUES ('a', 1, 0, 'created', 1, 'Nouveau', 1000, 'test');
            """);
    }

    [TearDown]
    public void Drop()
    {
        _db.Dispose();
        foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_file) + "*")) File.Delete(f);
    }

    [Test]
    public void AnOpportunity_CannotSitInAnotherTenantsStage()
    {
        var e = Assert.Throws<SqliteException>(() => _db.Execute("UPDATE Opportunities SET StageId = 2 WHERE Id = 1"));

        Assert.That(e!.SqliteExtendedErrorCode, Is.EqualTo(787), "FOREIGN KEY constraint failed");
    }

    [Test]
    public void AStageHoldingAnOpportunity_CannotBeDeleted_EvenBypassingTheService()
    {
        var e = Assert.Throws<SqliteException>(() => _db.Execute("DELETE FROM Stages WHERE Id = 1"));

        Assert.That(e!.SqliteExtendedErrorCode, Is.EqualTo(787));
    }

    [TestCase("UPDATE OpportunityHistory SET ToStageName = 'Devis'")]
    [TestCase("DELETE FROM OpportunityHistory")]
    public void History_IsAppendOnly(string statement)
    {
        var e = Assert.Throws<SqliteException>(() => _db.Execute(statement));

        Assert.That(e!.Message, Does.Contain("append-only"));
        Assert.That(_db.ExecuteScalar<long>("SELECT COUNT(*) FROM OpportunityHistory"), Is.EqualTo(1));
    }

    [Test]
    public void OneClosingStagePerTenant()
    {
        _db.Execute("INSERT INTO Stages (TenantId, Name, Sequence, IsClosing, CreatedAtMs, UpdatedAtMs) VALUES ('a', 'Gagné / Perdu', 9, 1, 0, 0)");

        Assert.Throws<SqliteException>(() =>
            _db.Execute("INSERT INTO Stages (TenantId, Name, Sequence, IsClosing, CreatedAtMs, UpdatedAtMs) VALUES ('a', 'Clos', 10, 1, 0, 0)"));
    }
}
