using System.Data.Common;
using Dapper;

namespace Pipeline.Api.Data;

/// <summary>
/// The connection and transaction of the command being handled (one per request scope). The transaction
/// behaviour opens it for each attempt; handlers only run statements through it.
/// </summary>
public sealed class DbSession(ISqlDialect dialect)
{
    private DbConnection? _connection;
    private DbTransaction? _transaction;

    public ISqlDialect Dialect => dialect;

    internal void Begin(DbConnection connection, DbTransaction transaction) => (_connection, _transaction) = (connection, transaction);

    internal void End() => (_connection, _transaction) = (null, null);

    private CommandDefinition Command(string sql, object? parameters, CancellationToken ct) =>
        new(sql, dialect.Bind(parameters), _transaction ?? throw NoUnitOfWork(), cancellationToken: ct);

    private static InvalidOperationException NoUnitOfWork() => new("No unit of work is open: send this command through the mediator.");

    public async Task<IEnumerable<T>> QueryAsync<T>(string sql, object? parameters, CancellationToken ct)
    {
        using var activity = DbTelemetry.Start(dialect, sql);
        return await _connection!.QueryAsync<T>(Command(sql, parameters, ct));
    }

    public async Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? parameters, CancellationToken ct)
    {
        using var activity = DbTelemetry.Start(dialect, sql);
        return await _connection!.QuerySingleOrDefaultAsync<T>(Command(sql, parameters, ct));
    }

    public async Task<T> ExecuteScalarAsync<T>(string sql, object? parameters, CancellationToken ct)
    {
        using var activity = DbTelemetry.Start(dialect, sql);
        return (await _connection!.ExecuteScalarAsync<T>(Command(sql, parameters, ct)))!;
    }

    public async Task<int> ExecuteAsync(string sql, object? parameters, CancellationToken ct)
    {
        using var activity = DbTelemetry.Start(dialect, sql);
        return await _connection!.ExecuteAsync(Command(sql, parameters, ct));
    }

    /// <summary>Runs an INSERT and returns the identity it produced.</summary>
    public Task<long> InsertAsync(string insertSql, object parameters, CancellationToken ct) =>
        ExecuteScalarAsync<long>(insertSql + "\n" + dialect.SelectInsertedId, parameters, ct);
}
