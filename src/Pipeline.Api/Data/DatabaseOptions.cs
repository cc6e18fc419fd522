namespace Pipeline.Api.Data;

public enum DatabaseProvider { Sqlite, SqlServer, PostgreSql }

/// <summary>Bound from <c>Database:Provider</c> and <c>ConnectionStrings:Pipeline</c>.</summary>
public sealed record DatabaseOptions(DatabaseProvider Provider, string ConnectionString)
{
    public static DatabaseOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        var provider = configuration.GetValue("Database:Provider", DatabaseProvider.Sqlite);
        var connectionString = configuration.GetConnectionString("Pipeline");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            if (provider != DatabaseProvider.Sqlite)
                throw new InvalidOperationException($"Database:Provider is {provider} but ConnectionStrings:Pipeline is not set.");
            connectionString = $"Data Source={Path.Combine(environment.ContentRootPath, "App_Data", "pipeline.db")}";
        }
        return new DatabaseOptions(provider, connectionString);
    }

    /// <summary>The dialect of the configured engine: every difference between the engines is behind it.</summary>
    public ISqlDialect Dialect() => Provider switch
    {
        DatabaseProvider.SqlServer => new SqlServer.SqlServerDialect(ConnectionString),
        DatabaseProvider.PostgreSql => new PostgreSql.PostgreSqlDialect(ConnectionString),
        _ => new Sqlite.SqliteDialect(ConnectionString),
    };
}
