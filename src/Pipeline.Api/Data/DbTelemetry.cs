using System.Diagnostics;

namespace Pipeline.Api.Data;

/// <summary>
/// One activity per database statement (OpenTelemetry database-span conventions). Nothing is allocated unless
/// a listener (an exporter, a test) samples the source.
/// </summary>
public static class DbTelemetry
{
    public const string SourceName = "Pipeline.Api.Data";

    public static readonly ActivitySource Source = new(SourceName);

    public static Activity? Start(ISqlDialect dialect, string sql)
    {
        var activity = Source.StartActivity(Operation(sql), ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("db.system.name", dialect.Provider switch
        {
            DatabaseProvider.SqlServer => "microsoft.sql_server",
            DatabaseProvider.PostgreSql => "postgresql",
            _ => "sqlite",
        });
        activity.SetTag("db.query.text", sql);
        return activity;
    }

    private static string Operation(string sql)
    {
        var text = sql.AsSpan().TrimStart();
        var end = text.IndexOfAny(' ', '\n', '\r');
        return (end < 0 ? text : text[..end]).ToString().ToUpperInvariant();
    }
}
