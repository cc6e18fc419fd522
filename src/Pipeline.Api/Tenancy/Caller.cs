using System.Security.Claims;

namespace Pipeline.Api.Tenancy;

/// <summary>Who is calling: the tenant comes from the token's <c>tenant_id</c> claim, never from the request.</summary>
public sealed record Caller(string TenantId, string Actor)
{
    public const string TenantClaim = "tenant_id";
    public const int MaxTenantIdLength = 64;

    /// <summary>Stored with every history and audit entry; an identity provider's subject is rarely longer.</summary>
    public const int MaxActorLength = 200;

    /// <summary>Exactly one <c>tenant_id</c>, a plain string identifier (an array or object claim names no tenant).</summary>
    public static bool HasValidTenant(ClaimsPrincipal user)
    {
        Claim? only = null;
        foreach (var claim in user.Claims)
        {
            if (claim.Type != TenantClaim) continue;
            if (only is not null) return false;
            only = claim;
        }
        return only is { ValueType: ClaimValueTypes.String, Value: { Length: > 0 and <= MaxTenantIdLength } tenant }
               && Rules.Identifiers.IsValid(tenant);
    }

    public static Caller From(ClaimsPrincipal user)
    {
        var actor = user.FindFirst("sub")?.Value ?? user.FindFirst("client_id")?.Value ?? user.Identity?.Name ?? "unknown";
        return new Caller(
            user.FindFirst(TenantClaim)?.Value
            ?? throw new InvalidOperationException("The caller has no tenant_id claim; the authorization policy should have refused it."),
            actor.Length <= MaxActorLength ? actor : actor[..MaxActorLength]);
    }
}

/// <summary>Who the commands of a scope act for when no request carries a token (the demo seeder).</summary>
public sealed class CallerScope
{
    public Caller? Caller { get; set; }
}
