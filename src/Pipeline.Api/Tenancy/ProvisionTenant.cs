using System.Collections.Concurrent;
using System.Data.Common;
using Mediator;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Stages;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// Creates a tenant's row, its five default stages and four default automation rules, once: a tenant that exists
/// is left as it is, so stages or rules it renamed or deleted never come back.
/// </summary>
public sealed record ProvisionTenant(string TenantId) : ICommand<bool>;

public sealed class ProvisionTenantHandler(DbSession db, ChangeLog changes, TimeProvider clock) : ICommandHandler<ProvisionTenant, bool>
{
    public async ValueTask<bool> Handle(ProvisionTenant command, CancellationToken ct)
    {
        if (await db.ExecuteScalarAsync<long>(Sql.Exists, new { command.TenantId }, ct) > 0) return false;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await db.ExecuteAsync(Sql.InsertTenant, new { command.TenantId, Now = now }, ct);
        await db.ExecuteAsync(Sql.InsertChangeSequence, new { command.TenantId }, ct);
        var stageIds = new Dictionary<string, long>();
        foreach (var s in DefaultStages.All)
        {
            var row = new StageRow
            {
                Name = s.Name, Sequence = s.Sequence, ProbabilityBp = s.Probability is { } p ? Hundredths.Of(p) : null,
                AutoProbability = s.AutoProbability, IsClosing = s.IsClosing, Version = 1,
            };
            row.Id = stageIds[s.Name] = await db.InsertAsync(Sql.InsertStage, new
            {
                command.TenantId, row.Name, row.Sequence, row.ProbabilityBp, row.AutoProbability, row.IsClosing, Now = now,
            }, ct);
            // The feed starts with the tenant's first stages, so that a reader can build the board from it alone.
            var after = StageAuditLog.Snapshot(row);
            changes.Add(command.TenantId, SystemActor, ChangeTypes.StageCreated,
                new { stageId = row.Id, stageName = row.Name, fields = after.Keys, before = (object?)null, after });
        }
        await db.ExecuteAsync(Sql.InsertRule, AutomationPolicy.Defaults.Select((r, i) => new
        {
            command.TenantId, r.EventType, TargetStageId = stageIds[r.TargetStage], Sequence = i + 1, Now = now,
        }), ct);
        return true;
    }

    /// <summary>The actor of what the service does by itself.</summary>
    public const string SystemActor = "system";

    private static class Sql
    {
        public const string InsertChangeSequence = "INSERT INTO ChangeSequences (TenantId, LastSequence) VALUES (@TenantId, 0)";

        public const string Exists = "SELECT COUNT(*) FROM Tenants WHERE Id = @TenantId";

        public const string InsertTenant = "INSERT INTO Tenants (Id, ProvisionedAtMs, StagesRevision) VALUES (@TenantId, @Now, 0)";

        public const string InsertStage = """
            INSERT INTO Stages (TenantId, Name, Sequence, TeamId, Folded, ProbabilityBp, AutoProbability, IsClosing, Version,
                CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @Name, @Sequence, NULL, 0, @ProbabilityBp, @AutoProbability, @IsClosing, 1, @Now, @Now);
            """;

        public const string InsertRule = """
            INSERT INTO AutomationRules (TenantId, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version,
                CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @EventType, @TargetStageId, NULL, 1, 1, @Sequence, 1, @Now, @Now)
            """;
    }
}

/// <summary>
/// Provisions a caller's tenant on its first request. Two first requests racing both try; the loser hits the
/// tenant's primary key and finds the winner's stages.
/// </summary>
public sealed class TenantProvisioner(IServiceScopeFactory scopes, ISqlDialect dialect)
{
    private readonly ConcurrentDictionary<string, bool> _provisioned = new(StringComparer.Ordinal);

    public async ValueTask EnsureAsync(Caller caller, CancellationToken ct)
    {
        if (_provisioned.ContainsKey(caller.TenantId)) return;
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerScope>().Caller = caller;
        try
        {
            await scope.ServiceProvider.GetRequiredService<IMediator>().Send(new ProvisionTenant(caller.TenantId), ct);
        }
        catch (DbException e) when (dialect.IsUniqueViolation(e))
        {
            // Provisioned concurrently by another request: that one's stages stand.
        }
        _provisioned.TryAdd(caller.TenantId, true);
    }
}

/// <summary>
/// Marks the endpoints that act for a tenant (the /api/v1 group). After authorization, once per request, the caller
/// is read from the token into the request's <see cref="CallerScope"/> (which every handler and query is given) and
/// its tenant provisioned on its first request. A middleware rather than an endpoint filter: a filter wraps every
/// endpoint's arguments in an invocation context, on every request.
/// </summary>
public static class TenantApi
{
    /// <summary>The endpoint metadata that marks them.</summary>
    public sealed class ActsForTenant;

    public static TBuilder ActForTenant<TBuilder>(this TBuilder endpoints) where TBuilder : IEndpointConventionBuilder =>
        endpoints.WithMetadata(new ActsForTenant());

    public static IApplicationBuilder UseTenantApi(this IApplicationBuilder app) => app.Use(static (context, next) =>
        context.GetEndpoint()?.Metadata.GetMetadata<ActsForTenant>() is null ? next(context) : EnterAsync(context, next));

    private static async Task EnterAsync(HttpContext context, RequestDelegate next)
    {
        var caller = Caller.From(context.User);
        context.RequestServices.GetRequiredService<CallerScope>().Caller = caller;
        await context.RequestServices.GetRequiredService<TenantProvisioner>().EnsureAsync(caller, context.RequestAborted);
        await next(context);
    }
}
