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

    /// <summary>The scopes a token grants, whether sent as one space-separated claim (OAuth 2.0) or as several claims.</summary>
    public static IReadOnlySet<string> Granted(System.Security.Claims.ClaimsPrincipal user) =>
        user.FindAll("scope").Concat(user.FindAll("scp"))
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .ToHashSet(StringComparer.Ordinal);

    public static bool Allows(IReadOnlySet<string> granted, string required) =>
        Ladder.Skip(Array.IndexOf(Ladder, required)).Any(granted.Contains);

    public static void AddPolicies(AuthorizationOptions options)
    {
        foreach (var scope in Ladder)
            options.AddPolicy(scope, policy => policy
                .RequireAuthenticatedUser()
                .RequireAssertion(ctx => Caller.HasValidTenant(ctx.User) && Allows(Granted(ctx.User), scope)));
    }
}
