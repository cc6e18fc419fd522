using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>Signs test JWTs with the key the test host trusts under Authentication:Schemes:Bearer.</summary>
public static class Tokens
{
    public const string Issuer = "pipeline-tests";
    public const string Audience = "openfire-pipeline";
    public static readonly string KeyBase64 = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static string Create(
        object? tenant, IEnumerable<string> scopes, string audience = Audience, TimeSpan? lifetime = null,
        bool scopesAsSeveralClaims = false, string subject = "test-user", byte[]? key = null,
        string issuer = Issuer)
    {
        var now = DateTime.UtcNow;
        var expires = now + (lifetime ?? TimeSpan.FromMinutes(30));
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (tenant is not null) claims["tenant_id"] = tenant;
        var scopeList = scopes.ToArray();
        if (scopeList.Length > 0) claims["scope"] = scopesAsSeveralClaims ? scopeList : string.Join(' ', scopeList);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = expires < now ? expires.AddMinutes(-10) : now,
            NotBefore = expires < now ? expires.AddMinutes(-10) : now,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(key ?? Convert.FromBase64String(KeyBase64)), SecurityAlgorithms.HmacSha256),
        });
    }
}
