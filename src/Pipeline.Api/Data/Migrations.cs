using System.Reflection;
using DbUp.Builder;
using DbUp.Engine;

namespace Pipeline.Api.Data;

/// <summary>DbUp runs each engine's numbered scripts (Data/&lt;Engine&gt;/Migrations/NNNN_name.sql) once, in order.</summary>
public static class Migrations
{
    public static UpgradeEngine Engine(UpgradeEngineBuilder builder, DatabaseProvider provider) => builder
        .WithScriptsEmbeddedInAssembly(Assembly.GetExecutingAssembly(), name => name.Contains($".Data.{provider}.Migrations."))
        .WithTransactionPerScript()
        .LogToNowhere()
        .Build();

    public static void Run(UpgradeEngine engine)
    {
        var result = engine.PerformUpgrade();
        if (!result.Successful)
            throw new InvalidOperationException($"Database migration failed at script '{result.ErrorScript?.Name}'.", result.Error);
    }

    public static IEnumerable<string> ScriptTexts(DatabaseProvider provider)
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains($".Data.{provider}.Migrations.")).Order())
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return reader.ReadToEnd();
        }
    }
}
