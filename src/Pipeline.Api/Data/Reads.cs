using Dapper;

namespace Pipeline.Api.Data;

/// <summary>Queries skip the mediator: one pooled connection per call, no transaction.</summary>
public sealed class Reads(ISqlDialect dialect)
{
    public ISqlDialect Dialect => dialect;

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        using var activity = DbTelemetry.Start(dialect, sql);
        await using var connection = dialect.CreateReadConnection();
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, dialect.Bind(parameters), cancellationToken: ct))).ToList();
    }

    public async Task<T?> SingleOrDefaultAsync<T>(string sql, object parameters, CancellationToken ct)
    {
        using var activity = DbTelemetry.Start(dialect, sql);
        await using var connection = dialect.CreateReadConnection();
        return await connection.QuerySingleOrDefaultAsync<T>(new CommandDefinition(sql, dialect.Bind(parameters), cancellationToken: ct));
    }
}
