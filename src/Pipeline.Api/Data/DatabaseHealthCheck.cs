using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pipeline.Api.Data;

/// <summary>Ready means the database answers and holds the schema this build migrated it to.</summary>
public sealed class DatabaseHealthCheck(ISqlDialect dialect) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = dialect.CreateConnection();
            await connection.OpenAsync(cancellationToken);
            var applied = await connection.ExecuteScalarAsync<long>(
                new CommandDefinition("SELECT COUNT(*) FROM SchemaVersions", cancellationToken: cancellationToken));
            var expected = Migrations.ScriptTexts(dialect.Provider).Count();
            var data = new Dictionary<string, object>
            {
                ["provider"] = dialect.Provider.ToString(), ["migrationsApplied"] = applied, ["migrationsExpected"] = expected,
            };
            return applied >= expected
                ? HealthCheckResult.Healthy("database reachable, schema up to date", data)
                : HealthCheckResult.Unhealthy("database schema is behind this build", data: data);
        }
        catch (Exception e)
        {
            return HealthCheckResult.Unhealthy("database unreachable", e);
        }
    }
}
