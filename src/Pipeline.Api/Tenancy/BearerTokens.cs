using Microsoft.AspNetCore.Authentication.JwtBearer;
using System.Security.Claims;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Extensions.Configuration.UserSecrets;
using Microsoft.IdentityModel.Tokens;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Tenancy;

/// <summary>
/// Bearer JWTs configured under <c>Authentication:Schemes:Bearer</c> (issuers, audiences, signing keys or an
/// authority: what <c>dotnet user-jwts</c> writes), following configuration reloads, and a 401 that says why.
/// </summary>
public static class BearerTokens
{
    public static void AddBearerTokens(this WebApplicationBuilder builder)
    {
        // user-jwts writes its first signing key into user secrets, possibly after the service started: watch them.
        if (builder.Environment.IsDevelopment()) WatchUserSecrets(builder);

        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            // Runs again when the options are rebuilt (a configuration reload): a rotated key starts with nothing remembered.
            var remembered = new RememberedTokens();
            o.Events = new JwtBearerEvents
            {
                OnChallenge = Explain, OnMessageReceived = remembered.RecallAsync, OnTokenValidated = remembered.KeepAsync,
            };
        });
        // The options are rebuilt when configuration reloads: a key added by user-jwts, a key an operator rotates.
        builder.Services.AddSingleton<IOptionsChangeTokenSource<JwtBearerOptions>>(
            new ConfigurationChangeTokenSource<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, builder.Configuration));
        builder.Services.AddOptions<AuthenticationOptions>()
            .BindConfiguration("Authentication").ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IPostConfigureOptions<JwtBearerOptions>, ClockSkew>();
    }

    /// <summary>The framework adds user secrets before the folder exists on a machine that never ran user-jwts.</summary>
    private static void WatchUserSecrets(WebApplicationBuilder builder)
    {
        if (typeof(Program).Assembly.GetCustomAttributes(typeof(UserSecretsIdAttribute), false) is not [UserSecretsIdAttribute id]) return;
        Directory.CreateDirectory(Path.GetDirectoryName(PathHelper.GetSecretsPathFromSecretsId(id.UserSecretsId))!);
        builder.Configuration.AddUserSecrets(typeof(Program).Assembly, optional: true, reloadOnChange: true);
    }

    /// <summary>Why the token was refused, in words a caller can act on; never the token or a key.</summary>
    private static Task Explain(JwtBearerChallengeContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        context.HttpContext.Items[Problems.DetailKey] = context.AuthenticateFailure switch
        {
            SecurityTokenExpiredException e => $"The bearer token expired at {e.Expires:O}; get a new one.",
            SecurityTokenNotYetValidException e => $"The bearer token is not valid before {e.NotBefore:O}.",
            SecurityTokenInvalidAudienceException => "The bearer token's audience is not one this service accepts.",
            SecurityTokenInvalidIssuerException => "The bearer token's issuer is not one this service trusts.",
            SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException =>
                "The bearer token's signature does not match any signing key this service trusts.",
            SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
            { } => "The bearer token was refused.",
            null when string.IsNullOrEmpty(header) => "No bearer token: send 'Authorization: Bearer <token>'.",
            null => "The Authorization header must be 'Bearer <token>'.",
        };
        return Task.CompletedTask;
    }

    /// <summary>Bound from <c>Authentication</c>.</summary>
    public sealed class AuthenticationOptions
    {
        /// <summary>How far token lifetimes may disagree with this server's clock (the framework's 5 minutes is generous).</summary>
        [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:00", "00:05:00",
            ErrorMessage = "Authentication:ClockSkew must be between 00:00:00 and 00:05:00.")]
        public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
    }

    private sealed class ClockSkew(IOptions<AuthenticationOptions> options) : IPostConfigureOptions<JwtBearerOptions>
    {
        public void PostConfigure(string? name, JwtBearerOptions o)
        {
            o.TokenValidationParameters.ClockSkew = options.Value.ClockSkew;
            // The framework reads SigningKeys from configuration lazily: every request's copy of the parameters read
            // the section and decoded the keys again (seen in a profile of the simplest read). Once per build of
            // the options is enough: a reload builds them again.
            o.TokenValidationParameters.IssuerSigningKeys = o.TokenValidationParameters.IssuerSigningKeys?.ToList();
        }
    }

    /// <summary>
    /// A client sends the same token with every request for its lifetime; the service checked its signature,
    /// issuer, audience and lifetime once, and remembers the principal of a token that passed until it expires (at
    /// most five minutes, and never across a configuration reload, which brings a new instance). Refusals are not
    /// remembered. A remembered token skips the handler's whole validation, its copy of the parameters included, and
    /// its requests share one <see cref="VerifiedPrincipal"/>.
    /// </summary>
    private sealed class RememberedTokens
    {
        private static readonly TimeSpan AtMost = TimeSpan.FromMinutes(5);
        private readonly MemoryCache _valid = new(new MemoryCacheOptions { SizeLimit = 10_000 });

        /// <summary>
        /// The key is the whole Authorization header, as sent: Kestrel hands back the same string for the same header
        /// on a connection, so recalling a token copies nothing.
        /// </summary>
        public Task RecallAsync(MessageReceivedContext context)
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (header.Length > 0 && _valid.TryGetValue(header, out VerifiedPrincipal? principal) && principal is not null)
            {
                context.Principal = principal;
                context.Success();
            }
            return Task.CompletedTask;
        }

        public Task KeepAsync(TokenValidatedContext context)
        {
            var header = context.Request.Headers.Authorization.ToString();
            if (context.SecurityToken is not JsonWebToken { EncodedToken: { } token } jwt
                || context.Principal?.Identity is not ClaimsIdentity identity
                || !header.EndsWith(token, StringComparison.Ordinal)) return Task.CompletedTask;
            var now = DateTimeOffset.UtcNow;
            var expires = jwt.ValidTo == DateTime.MinValue ? now + AtMost : new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero);
            if (expires > now)
                _valid.Set(header, new VerifiedPrincipal(identity.Clone()), new MemoryCacheEntryOptions
                {
                    Size = 1, AbsoluteExpiration = expires < now + AtMost ? expires : now + AtMost,
                });
            return Task.CompletedTask;
        }
    }
}
