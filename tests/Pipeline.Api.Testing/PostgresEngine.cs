using Npgsql;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>
/// The machine's PostgreSQL server (started by .ci/run): <c>PIPELINE_POSTGRES</c> is an Npgsql connection string
/// without a database, by default the role .ci/run creates. Each test app gets a database of its own.
/// </summary>
public static class PostgresEngine
{
    public static readonly string Server =
        Environment.GetEnvironmentVariable("PIPELINE_POSTGRES") ?? "Host=127.0.0.1;Port=5432;Username=pipeline;Password=pipeline";

    private static readonly Lazy<string?> Reason = new(Probe);

    /// <summary>Null when the server answers; otherwise why the PostgreSQL tests cannot run here.</summary>
    public static string? UnavailableReason => Reason.Value;

    public static string Database(string name) =>
        // Idle pooled connections close within seconds: the run starts dozens of apps and databases, and the server
        // allows 100 connections in all.
        new NpgsqlConnectionStringBuilder(Server)
        {
            Database = name, Timeout = 15, MaxPoolSize = 20, ConnectionIdleLifetime = 2, ConnectionPruningInterval = 1,
        }.ConnectionString;

    public static void Drop(string name)
    {
        using var connection = new NpgsqlConnection(Database("postgres"));
        connection.Open();
        using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        drop.ExecuteNonQuery();
    }

    private static string? Probe()
    {
        try
        {
            using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(Database("postgres")) { Timeout = 3 }.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception e)
        {
            return $"No PostgreSQL server at {new NpgsqlConnectionStringBuilder(Server).Host}: {e.GetBaseException().Message} "
                   + "(.ci/run starts one; set PIPELINE_POSTGRES to use another)";
        }
    }
}
