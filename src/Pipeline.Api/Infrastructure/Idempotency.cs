using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.Options;
using Pipeline.Api.Data;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Pipeline.Api.Infrastructure;

/// <summary>
/// A creating command that accepts an <c>Idempotency-Key</c> (IETF httpapi draft, as Stripe does it). With a key,
/// it is replay-safe: run again after a commit that did succeed, it finds its first answer.
/// </summary>
public interface IIdempotentCreate : IReplaySafe
{
    /// <summary>The request header, and the most characters a key may have.</summary>
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 255;

    string? IdempotencyKey { get; }

    bool IReplaySafe.CanReplay => IdempotencyKey is not null;
}

/// <summary>
/// Inside the command's transaction: the same key again returns the stored answer (so the endpoint answers the same
/// status and body); the same key with another request is 422; a new key stores the answer with the change.
/// Two requests racing with one key: the loser hits the key's unique index, its unit runs again and finds the answer.
/// </summary>
public sealed class IdempotencyBehavior<TMessage, TResponse>(
    DbSession db, IServiceProvider services, IOptions<JsonOptions> json, TimeProvider clock)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICommand<TResponse>
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        if (message is not IIdempotentCreate { IdempotencyKey: { } key }) return await next(message, ct);

        var options = json.Value.SerializerOptions;
        var tenant = services.GetRequiredService<Caller>().TenantId;
        var command = typeof(TMessage).Name;
        // Canonical, as events are: a client that re-serialises its retry (100.0 for 100) sends the same request.
        var request = command + "\n" + CanonicalJson.Of(message);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(request)));
        var stored = await db.QuerySingleOrDefaultAsync<Stored>(Sql.Find, new { TenantId = tenant, Key = key }, ct);
        if (stored is not null)
        {
            Idempotency.CheckSameRequest(key, stored.Command == command && stored.Fingerprint == fingerprint).ThrowIfBroken();
            return JsonSerializer.Deserialize<TResponse>(stored.Response, options)!;
        }

        var response = await next(message, ct);
        try
        {
            await db.ExecuteAsync(Sql.Record, new
            {
                TenantId = tenant, Key = key, Command = command, Fingerprint = fingerprint,
                Response = JsonSerializer.Serialize(response, options), Now = clock.GetUtcNow().ToUnixTimeMilliseconds(),
            }, ct);
        }
        catch (DbException e) when (db.Dialect.IsUniqueViolation(e))
        {
            throw new ConcurrentUpdateException($"Idempotency key '{key}'");
        }
        return response;
    }

    private sealed class Stored
    {
        public string Command { get; init; } = "";
        public string Fingerprint { get; init; } = "";
        public string Response { get; init; } = "";
    }

    private static class Sql
    {
        public const string Find = """
            SELECT Command, Fingerprint, Response FROM IdempotencyKeys WHERE TenantId = @TenantId AND IdempotencyKey = @Key
            """;

        public const string Record = """
            INSERT INTO IdempotencyKeys (TenantId, IdempotencyKey, Command, Fingerprint, Response, CreatedAtMs)
            VALUES (@TenantId, @Key, @Command, @Fingerprint, @Response, @Now)
            """;
    }
}
