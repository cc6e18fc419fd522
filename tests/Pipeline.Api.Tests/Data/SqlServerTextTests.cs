using System.Reflection;
using Microsoft.SqlServer.TransactSql.ScriptDom;
using Pipeline.Api.Data.SqlServer;

namespace Pipeline.Api.Tests.Data;

/// <summary>
/// SQL Server cannot run here, so every T-SQL text the service can send is parsed offline with Microsoft's
/// parser: the migrations, and every statement of every statement class (a nested <c>Sql</c>, or a feature's shared
/// <c>…Sql</c> class) rendered with the SQL Server dialect.
/// </summary>
public sealed class SqlServerTextTests
{
    private static readonly SqlServerDialect Dialect = new("Server=unused");

    public static IEnumerable<TestCaseData> Statements()
    {
        var sqlClasses = typeof(Program).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: true, IsSealed: true } && (t is { Name: "Sql", IsNested: true } || t.Name.EndsWith("Sql", StringComparison.Ordinal)));
        foreach (var type in sqlClasses)
        {
            var owner = type.IsNested ? type.DeclaringType!.Name : type.Name;
            // Column lists are fragments of the statements below, not statements.
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.FieldType == typeof(string) && f.Name != "Columns"))
                yield return new TestCaseData(Render((string)field.GetValue(null)!, field.Name)).SetName($"{owner}.{field.Name}");
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static)
                         .Where(m => m.ReturnType == typeof(string) && m.GetParameters() is [{ ParameterType: var p }] && p == typeof(ISqlDialect)))
                yield return new TestCaseData(Render((string)method.Invoke(null, [Dialect])!, method.Name)).SetName($"{owner}.{method.Name}");
        }
        yield return new TestCaseData(Dialect.SelectInsertedId).SetName("SqlServerDialect.SelectInsertedId");
        yield return new TestCaseData(Dialect.LockStagesShared).SetName("SqlServerDialect.LockStagesShared");
        yield return new TestCaseData(StageLock.Exclusive).SetName("StageLock.Exclusive");
        yield return new TestCaseData(Dialect.TakeChangeSequences).SetName("SqlServerDialect.TakeChangeSequences");
        yield return new TestCaseData(Dialect.ClaimDueDeliveries).SetName("SqlServerDialect.ClaimDueDeliveries");
        yield return new TestCaseData(Pipeline.Api.Reports.BoardQueries.Sql.FirstCards(Dialect, [1, 2])).SetName("BoardQueries.FirstCards");
        // The purges' batch DELETEs, written by their shared base from each purger's tables.
        foreach (var (owner, tables) in new[] { ("InboxPurger", Automation.InboxPurger.Purged), ("ChangePurger", Changes.ChangePurger.Purged) })
            foreach (var table in tables)
                yield return new TestCaseData(Retention.BatchDelete(Dialect, table)).SetName($"{owner}.{table.Table}");
    }

    /// <summary>
    /// The text as SQL Server receives it: Dapper expands a list parameter (<c>IN @Ids</c>) to <c>IN (@Ids1, @Ids2, …)</c>,
    /// and INSERTs run with the dialect's identity query appended, as DbSession.InsertAsync sends them.
    /// </summary>
    private static string Render(string sql, string name)
    {
        sql = System.Text.RegularExpressions.Regex.Replace(sql, @"\bIN @(\w+)", "IN (@${1}1, @${1}2)");
        return name.StartsWith("Insert", StringComparison.Ordinal) ? sql + "\n" + Dialect.SelectInsertedId : sql;
    }

    [TestCaseSource(nameof(Statements))]
    public void Statement_ParsesAsTSql(string sql) => AssertParses(sql);

    [Test]
    public void TheStatementSource_FindsTheServicesSql() => Assert.That(Statements().Count(), Is.GreaterThan(25));

    [Test]
    public void EveryMigration_ParsesAsTSql()
    {
        var scripts = Migrations.ScriptTexts(DatabaseProvider.SqlServer).ToList();
        Assert.That(scripts, Is.Not.Empty);
        foreach (var batch in scripts.SelectMany(Batches)) AssertParses(batch);
    }

    [Test]
    public void TheParser_RejectsSqliteOnlySyntax()
    {
        var errors = Parse("SELECT Id FROM Stages ORDER BY Id LIMIT 5");
        Assert.That(errors, Is.Not.Empty);
    }

    internal static IEnumerable<string> Batches(string script) =>
        System.Text.RegularExpressions.Regex.Split(script, @"^\s*GO\s*$", System.Text.RegularExpressions.RegexOptions.Multiline | System.Text.RegularExpressions.RegexOptions.IgnoreCase)
            .Where(b => !string.IsNullOrWhiteSpace(b));

    private static IList<ParseError> Parse(string sql)
    {
        new TSql160Parser(initialQuotedIdentifiers: true).Parse(new StringReader(sql), out var errors);
        return errors;
    }

    private static void AssertParses(string sql)
    {
        var errors = Parse(sql);
        Assert.That(errors.Select(e => $"{e.Number} L{e.Line} C{e.Column}: {e.Message}"), Is.Empty, sql);
    }
}
