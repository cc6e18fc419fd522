using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Api.Data.Sqlite;

namespace Pipeline.Api.Tests.Data;

/// <summary>Both engines' migrations have the same versions and end with the same tables and columns.</summary>
public sealed class MigrationParityTests
{
    [Test]
    public void BothEngines_HaveTheSameMigrationVersions()
    {
        static IEnumerable<string> Names(DatabaseProvider p) => Assembly.GetAssembly(typeof(Program))!.GetManifestResourceNames()
            .Where(n => n.Contains($".Data.{p}.Migrations.")).Select(n => n[(n.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..]).Order();

        Assert.That(Names(DatabaseProvider.SqlServer), Is.EqualTo(Names(DatabaseProvider.Sqlite)).And.Not.Empty);
    }

    [Test]
    public void BothEngines_DefineTheSameTablesAndColumns()
    {
        Assert.That(SqlServerColumns(), Is.EquivalentTo(SqliteColumns()));
    }

    private static List<string> SqliteColumns()
    {
        var file = Path.Combine(Path.GetTempPath(), $"parity-{Guid.NewGuid():N}.db");
        try
        {
            new SqliteDialect($"Data Source={file}").Migrate();
            using var connection = new SqliteConnection($"Data Source={file};Pooling=False");
            return connection.Query<string>("""
                SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p
                WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> 'SchemaVersions'
                """).Select(c => c.ToLowerInvariant()).ToList();
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(file) + "*")) File.Delete(f);
        }
    }

    private static List<string> SqlServerColumns()
    {
        var visitor = new ColumnCollector();
        foreach (var batch in Migrations.ScriptTexts(DatabaseProvider.SqlServer).SelectMany(SqlServerTextTests.Batches))
            new TSql160Parser(true).Parse(new StringReader(batch), out _).Accept(visitor);
        return visitor.Columns;
    }

    private sealed class ColumnCollector : TSqlFragmentVisitor
    {
        public List<string> Columns { get; } = [];

        public override void Visit(CreateTableStatement node) =>
            Columns.AddRange(node.Definition.ColumnDefinitions.Select(c => $"{node.SchemaObjectName.BaseIdentifier.Value}.{c.ColumnIdentifier.Value}".ToLowerInvariant()));

        public override void Visit(AlterTableAddTableElementStatement node) =>
            Columns.AddRange(node.Definition.ColumnDefinitions.Select(c => $"{node.SchemaObjectName.BaseIdentifier.Value}.{c.ColumnIdentifier.Value}".ToLowerInvariant()));
    }
}
