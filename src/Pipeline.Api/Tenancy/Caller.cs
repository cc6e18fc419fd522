using System.Security.Claims;

namespace Pipeline.Api.Tenancy;

/// <summary>Who is calling: the tenant comes from the token's <c>tenant_id</c> claim, never from the request.</summary>
public sealed record Caller(string TenantId, string Actor)
{
    public const string TenantClaim = "tenant_id";
    public const int MaxTenantIdLength = 64;

    /// <summary>Stored with every history and audit entry; an identity provider's subject is rarely longer.</summary>
    public const int MaxActorLength = 200;

    /// <summary>
    /// The token's tenant: exactly one <c>tenant_id</c>, a plain string identifier (an array or object claim names no
    /// tenant); null otherwise.
    /// </summary>
    public static string? TenantOf(ClaimsPrincipal user) =>
        user is VerifiedPrincipal verified ? verified.Caller?.TenantId : ReadTenant(user);

    private static string? ReadTenant(ClaimsPrincipal user)
    {
        Claim? only = null;
        foreach (var claim in user.Claims)
        {
            if (claim.Type != TenantClaim) continue;
            if (only is not null) return null;
            only = claim;
        }
        return only is { ValueType: ClaimValueTypes.String, Value: { Length: > 0 and <= MaxTenantIdLength } tenant }
               && Rules.Identifiers.IsValid(tenant)
            ? tenant
            : null;
    }

    public static Caller From(ClaimsPrincipal user) => user is VerifiedPrincipal { Caller: { } caller } ? caller : Read(user);

    private static Caller Read(ClaimsPrincipal user)
    {
        var actor = user.FindFirst("sub")?.Value ?? user.FindFirst("client_id")?.Value ?? user.Identity?.Name ?? "unknown";
        return new Caller(
            TenantOf(user) ?? throw new InvalidOperationException("No valid tenant_id: the authorization policy refuses such a caller."),
            actor.Length <= MaxActorLength ? actor : actor[..MaxActorLength]);
    }
}

/// <summary>
/// The principal of a bearer token the service has verified and remembers (see BearerTokens): every request that
/// presents the token shares it, read-only (nothing here adds claims: no claims transformation), with its tenant and
/// caller worked out once instead of on every request by the rate limiter, the policies and the endpoints.
/// </summary>
public sealed class VerifiedPrincipal : ClaimsPrincipal
{
    public VerifiedPrincipal(ClaimsIdentity identity) : base(identity)
    {
        var read = new ClaimsPrincipal(identity);
        Caller = Caller.TenantOf(read) is null ? null : Caller.From(read);
    }

    /// <summary>Who the token acts for; null when it names no valid tenant (every policy refuses it).</summary>
    public Caller? Caller { get; }
}

/// <summary>
/// Who a scope acts for: set once per API request from its authorized token (<see cref="TenantApi"/>), or by what
/// runs without a request (the demo seeder, tenant provisioning).
/// </summary>
public sealed class CallerScope
{
    public Caller? Caller { get; set; }
}
