using Microsoft.AspNetCore.Authorization;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// <c>pipeline.read</c> for GETs, <c>pipeline.write</c> for opportunities and events, <c>pipeline.admin</c> for stages
/// and rules; admin implies write, write implies read. The policies are named after the scope they require.
/// </summary>
public static class Scopes
{
    public const string Read = "pipeline.read";
    public const string Write = "pipeline.write";
    public const string Admin = "pipeline.admin";

    private static readonly string[] Ladder = [Read, Write, Admin];

    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        [Read] = "Read stages, opportunities, history, board and reports.",
        [Write] = "Create and move opportunities, report events (includes read).",
        [Admin] = "Configure stages and automation rules (includes write and read).",
    };

    /// <summary>
    /// Whether the token grants <paramref name="required"/> or a scope above it, whether its scopes come as one
    /// space-separated claim (OAuth 2.0) or as several claims. Runs on every request: no allocation.
    /// </summary>
    public static bool Allows(System.Security.Claims.ClaimsPrincipal user, string required)
    {
        var lowest = Array.IndexOf(Ladder, required);
        foreach (var claim in user.Claims)
        {
            if (claim.Type is not ("scope" or "scp")) continue;
            foreach (var range in claim.Value.AsSpan().Split(' '))
            {
                var scope = claim.Value.AsSpan()[range].Trim();
                for (var i = lowest; i < Ladder.Length; i++)
                    if (scope.SequenceEqual(Ladder[i])) return true;
            }
        }
        return false;
    }

    public static void AddPolicies(AuthorizationOptions options)
    {
        foreach (var scope in Ladder)
            options.AddPolicy(scope, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(ctx => Authorize(ctx, scope)));
    }

    /// <summary>A refusal says why in its 403 (the problem's detail): no tenant, or not the scope.</summary>
    private static bool Authorize(AuthorizationHandlerContext context, string scope)
    {
        var refusal = Caller.TenantOf(context.User) is null
            ? $"The token names no tenant: it needs exactly one '{Caller.TenantClaim}' claim, a plain identifier."
            : !Allows(context.User, scope)
                ? $"The token does not grant '{scope}'{(scope == Admin ? "" : " or a scope above it")}, which this operation needs."
                : null;
        if (refusal is not null && context.Resource is HttpContext http) http.Items.TryAdd(Infrastructure.Problems.DetailKey, refusal);
        return refusal is null;
    }
}
