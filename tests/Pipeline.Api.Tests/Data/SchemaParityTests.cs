using System.Reflection;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Npgsql;

namespace Pipeline.Api.Tests.Data;

/// <summary>
/// Every engine's migrations end in the same schema: tables, columns, types (mapped per engine), nullability,
/// primary and foreign keys, unique indexes (partial or not), checked columns and the append-only trigger.
/// SQLite and PostgreSQL are read back from their catalogs after migrating; SQL Server's scripts are parsed.
/// </summary>
public sealed partial class SchemaParityTests
{
    /// <summary>One table as the rules see it; every member is a sorted, engine-neutral text so a difference reads plainly.</summary>
    private sealed record Table(string Columns, string PrimaryKey, string ForeignKeys, string Uniques, string Checks, bool AppendOnly);

    [Test]
    public void EveryEngine_HasTheSameMigrationVersions()
    {
        static IEnumerable<string> Names(DatabaseProvider p) => Assembly.GetAssembly(typeof(Program))!.GetManifestResourceNames()
            .Where(n => n.Contains($".Data.{p}.Migrations.")).Select(n => n[(n.IndexOf(".Migrations.", StringComparison.Ordinal) + 12)..]).Order();

        Assert.That(Names(DatabaseProvider.Sqlite), Is.Not.Empty);
        Assert.That(Names(DatabaseProvider.SqlServer), Is.EqualTo(Names(DatabaseProvider.Sqlite)));
        Assert.That(Names(DatabaseProvider.PostgreSql), Is.EqualTo(Names(DatabaseProvider.Sqlite)));
    }

    [Test]
    public void SqlServer_EndsInTheSchemaPostgreSqlHas_TypesAndLengthsIncluded()
    {
        PipelineApps.RequireEngine(DatabaseProvider.PostgreSql);
        AssertSame(SqlServerSchema(exactTypes: true), PostgreSqlSchema(exactTypes: true), "SQL Server", "PostgreSQL");
    }

    [Test]
    public void Sqlite_EndsInTheSchemaPostgreSqlHas()
    {
        PipelineApps.RequireEngine(DatabaseProvider.PostgreSql);
        AssertSame(SqliteSchema(), PostgreSqlSchema(exactTypes: false), "SQLite", "PostgreSQL");
    }

    [Test]
    public void Sqlite_EndsInTheSchemaSqlServerHas() =>
        AssertSame(SqliteSchema(), SqlServerSchema(exactTypes: false), "SQLite", "SQL Server");

    [Test]
    public void TheComparison_SeesAMissingForeignKey()
    {
        var schema = SqliteSchema();
        var broken = new SortedDictionary<string, Table>(schema) { ["opportunities"] = schema["opportunities"] with { ForeignKeys = "" } };
        Assert.Catch<ResultStateException>(() => AssertSame(broken, schema, "broken", "SQLite"));
    }

    private static void AssertSame(SortedDictionary<string, Table> actual, SortedDictionary<string, Table> expected, string a, string b)
    {
        Assert.That(actual.Keys, Is.EqualTo(expected.Keys), $"tables of {a} and {b}");
        Assert.Multiple(() =>
        {
            foreach (var (name, table) in expected) Assert.That(actual[name], Is.EqualTo(table), $"{name}: {a} (actual) vs {b} (expected)");
        });
    }

    private static SortedDictionary<string, Table> Shape(IEnumerable<(string Table, string Kind, string Text)> facts, ISet<string> appendOnly)
    {
        var byTable = facts.Where(f => f.Table != "schemaversions").GroupBy(f => f.Table);
        return new(byTable.ToDictionary(g => g.Key, g =>
        {
            string Of(string kind) => string.Join("; ", g.Where(f => f.Kind == kind).Select(f => f.Text).Order(StringComparer.Ordinal));
            return new Table(Of("column"), Of("pk"), Of("fk"), Of("unique"), Of("check"), appendOnly.Contains(g.Key));
        }));
    }

    private static SortedDictionary<string, Table> SqliteSchema()
    {
        var file = Path.Combine(Path.GetTempPath(), $"parity-{Guid.NewGuid():N}.db");
        try
        {
            new Pipeline.Api.Data.Sqlite.SqliteDialect($"Data Source={file}").Migrate();
            using var db = new SqliteConnection($"Data Source={file};Pooling=False");
            var facts = new List<(string, string, string)>();
            var tables = db.Query<(string Name, string Sql)>("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
            foreach (var (name, sql) in tables)
            {
                var t = name.ToLowerInvariant();
                var columns = db.Query<(string Name, string Type, long NotNull, long Pk)>($"SELECT name, type, \"notnull\", pk FROM pragma_table_info('{name}')").ToList();
                facts.AddRange(columns.Select(c => (t, "column", $"{c.Name.ToLowerInvariant()} {TypeClass(c.Type)}{(c.NotNull == 1 || c.Pk > 0 ? "" : " null")}")));
                facts.Add((t, "pk", string.Join(",", columns.Where(c => c.Pk > 0).OrderBy(c => c.Pk).Select(c => c.Name.ToLowerInvariant()))));
                var keys = db.Query<(long Id, string Table, string From, string To)>($"SELECT id, \"table\", \"from\", \"to\" FROM pragma_foreign_key_list('{name}') ORDER BY id, seq");
                facts.AddRange(keys.GroupBy(k => k.Id).Select(k => (t, "fk", ForeignKey(k.Select(x => x.From), k.First().Table, k.Select(x => x.To)))));
                foreach (var index in db.Query<(string Name, string Origin, long Partial)>($"SELECT name, origin, partial FROM pragma_index_list('{name}') WHERE \"unique\" = 1 AND origin <> 'pk'"))
                {
                    var indexColumns = db.Query<string>($"SELECT name FROM pragma_index_info('{index.Name}') ORDER BY seqno");
                    facts.Add((t, "unique", Unique(indexColumns, index.Partial == 1)));
                }
                facts.AddRange(ColumnChecks().Matches(sql).Select(m => (t, "check", m.Groups[1].Value.ToLowerInvariant())));
            }
            var triggers = db.Query<string>("SELECT DISTINCT lower(tbl_name) FROM sqlite_master WHERE type = 'trigger'").ToHashSet();
            return Shape(facts, triggers);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
        }
    }

    private static SortedDictionary<string, Table> PostgreSqlSchema(bool exactTypes)
    {
        var connectionString = PipelineApps.NewDatabase(DatabaseProvider.PostgreSql);
        using (var dialect = new Pipeline.Api.Data.PostgreSql.PostgreSqlDialect(connectionString)) dialect.Migrate();
        using var db = new NpgsqlConnection(connectionString);
        var facts = new List<(string, string, string)>();
        facts.AddRange(db.Query<(string T, string C, string Type, int? Length, string Nullable)>("""
            SELECT table_name, column_name, data_type, character_maximum_length, is_nullable
            FROM information_schema.columns WHERE table_schema = 'public'
            """).Select(c => (c.T, "column",
                $"{c.C} {(exactTypes ? PostgreSqlType(c.Type, c.Length) : TypeClass(c.Type))}{(c.Nullable == "YES" ? " null" : "")}")));
        var constraints = db.Query<(string T, string Kind, string[] Columns, string? Referenced, string[]? ReferencedColumns, string Definition)>("""
            SELECT c.conrelid::regclass::text, c.contype::text,
                   ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i),
                   c.confrelid::regclass::text,
                   ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.i),
                   pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
            WHERE n.nspname = 'public' AND c.contype IN ('p', 'f', 'c')
            """);
        foreach (var c in constraints)
        {
            if (c.Kind == "p") facts.Add((c.T, "pk", string.Join(",", c.Columns)));
            else if (c.Kind == "f") facts.Add((c.T, "fk", ForeignKey(c.Columns, c.Referenced!, c.ReferencedColumns!)));
            // SMALLINT 0/1 checks only restate what BIT and SQLite's 0/1 flags are; the other checks are compared.
            else if (!c.Definition.Contains("ARRAY[0, 1]", StringComparison.Ordinal)) facts.Add((c.T, "check", string.Join(",", c.Columns)));
        }
        facts.AddRange(db.Query<(string T, string[] Columns, bool Partial)>("""
            SELECT i.indrelid::regclass::text,
                   ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(n, o)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o),
                   i.indpred IS NOT NULL
            FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND i.indisunique AND NOT i.indisprimary
            """).Select(u => (u.T, "unique", Unique(u.Columns, u.Partial))));
        var triggers = db.Query<string>("SELECT DISTINCT tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal").ToHashSet();
        return Shape(facts, triggers);
    }

    private static SortedDictionary<string, Table> SqlServerSchema(bool exactTypes)
    {
        var visitor = new SqlServerFacts(exactTypes);
        foreach (var batch in Migrations.ScriptTexts(DatabaseProvider.SqlServer).SelectMany(SqlServerTextTests.Batches))
            new TSql160Parser(true).Parse(new StringReader(batch), out _).Accept(visitor);
        return Shape(visitor.Facts, visitor.Triggers);
    }

    private sealed class SqlServerFacts(bool exactTypes) : TSqlFragmentVisitor
    {
        public List<(string, string, string)> Facts { get; } = [];
        public HashSet<string> Triggers { get; } = [];

        public override void Visit(CreateTableStatement node) =>
            Add(Name(node.SchemaObjectName), node.Definition.ColumnDefinitions, node.Definition.TableConstraints);

        public override void Visit(AlterTableAddTableElementStatement node) =>
            Add(Name(node.SchemaObjectName), node.Definition.ColumnDefinitions, node.Definition.TableConstraints);

        public override void Visit(CreateIndexStatement node)
        {
            if (node.Unique) Facts.Add((Name(node.OnName), "unique", Unique(node.Columns.Select(c => Column(c.Column)), node.FilterPredicate is not null)));
        }

        public override void Visit(CreateTriggerStatement node) => Triggers.Add(Name(node.TriggerObject.Name));

        private void Add(string table, IEnumerable<ColumnDefinition> columns, IEnumerable<ConstraintDefinition> constraints)
        {
            foreach (var column in columns)
            {
                var name = column.ColumnIdentifier.Value.ToLowerInvariant();
                var nullable = column.Constraints.OfType<NullableConstraintDefinition>().All(n => n.Nullable);
                var type = (SqlDataTypeReference)column.DataType;
                var text = exactTypes ? SqlServerType(type) : TypeClass(type.SqlDataTypeOption.ToString());
                Facts.Add((table, "column", $"{name} {text}{(nullable && !IsPrimaryKey(column) ? " null" : "")}"));
                foreach (var constraint in column.Constraints)
                {
                    if (constraint is UniqueConstraintDefinition { IsPrimaryKey: true }) Facts.Add((table, "pk", name));
                    if (constraint is ForeignKeyConstraintDefinition fk) Facts.Add((table, "fk", ForeignKey([name], Name(fk.ReferenceTableName), fk.ReferencedTableColumns.Select(c => c.Value))));
                    if (constraint is CheckConstraintDefinition) Facts.Add((table, "check", name));
                }
            }
            foreach (var constraint in constraints)
            {
                if (constraint is UniqueConstraintDefinition u)
                    Facts.Add((table, u.IsPrimaryKey ? "pk" : "unique", u.IsPrimaryKey
                        ? string.Join(",", u.Columns.Select(c => Column(c.Column)))
                        : Unique(u.Columns.Select(c => Column(c.Column)), false)));
                if (constraint is ForeignKeyConstraintDefinition fk)
                    Facts.Add((table, "fk", ForeignKey(fk.Columns.Select(c => c.Value), Name(fk.ReferenceTableName), fk.ReferencedTableColumns.Select(c => c.Value))));
            }
        }

        private static bool IsPrimaryKey(ColumnDefinition column) => column.Constraints.OfType<UniqueConstraintDefinition>().Any(u => u.IsPrimaryKey);

        private static string Name(SchemaObjectName name) => name.BaseIdentifier.Value.ToLowerInvariant();

        private static string Column(ColumnReferenceExpression column) => column.MultiPartIdentifier.Identifiers.Last().Value.ToLowerInvariant();
    }

    private static string ForeignKey(IEnumerable<string> from, string table, IEnumerable<string> to) =>
        $"({string.Join(",", from).ToLowerInvariant()}) -> {table.ToLowerInvariant()}({string.Join(",", to).ToLowerInvariant()})";

    private static string Unique(IEnumerable<string> columns, bool partial) =>
        $"({string.Join(",", columns).ToLowerInvariant()}){(partial ? " where …" : "")}";

    /// <summary>What every engine agrees on: whole numbers or text (SQLite has no other storage classes).</summary>
    private static string TypeClass(string type) =>
        Regex.IsMatch(type, "int|bit", RegexOptions.IgnoreCase) ? "integer" : "text";

    private static string PostgreSqlType(string type, int? length) => type switch
    {
        "bigint" => "int64",
        "integer" => "int32",
        "smallint" => "flag",
        "character varying" => $"text({length})",
        "character" => $"char({length})",
        "text" => "text(max)",
        _ => type,
    };

    private static string SqlServerType(SqlDataTypeReference type)
    {
        var length = type.Parameters.FirstOrDefault() is { } p ? (p is MaxLiteral ? "max" : p.Value) : null;
        return type.SqlDataTypeOption switch
        {
            SqlDataTypeOption.BigInt => "int64",
            SqlDataTypeOption.Int => "int32",
            SqlDataTypeOption.Bit => "flag",
            SqlDataTypeOption.NVarChar => $"text({length})",
            SqlDataTypeOption.NChar => $"char({length})",
            var other => other.ToString(),
        };
    }

    [GeneratedRegex(@"^\s*(\w+)\s+[^\n]*\bCHECK\s*\(", RegexOptions.Multiline)]
    private static partial Regex ColumnChecks();
}
