using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Infrastructure;

/// <summary>Bound from <c>RateLimiting</c>: one token bucket per tenant, a stricter one per client address without a tenant.</summary>
public sealed class RateLimitingOptions : IValidatableObject
{
    public Bucket Tenant { get; set; } = new() { TokenLimit = 300, TokensPerPeriod = 100 };

    public Bucket Anonymous { get; set; } = new() { TokenLimit = 30, TokensPerPeriod = 10 };

    public sealed class Bucket
    {
        /// <summary>The burst a client may send at once.</summary>
        public int TokenLimit { get; set; }

        /// <summary>Tokens added back every period (the sustained rate).</summary>
        public int TokensPerPeriod { get; set; }

        public TimeSpan ReplenishmentPeriod { get; set; } = TimeSpan.FromSeconds(1);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, bucket) in new[] { ("Tenant", Tenant), ("Anonymous", Anonymous) })
        {
            if (bucket.TokenLimit is < 1 or > 1_000_000)
                yield return new ValidationResult($"RateLimiting:{name}:TokenLimit must be between 1 and 1000000.");
            if (bucket.TokensPerPeriod < 1 || bucket.TokensPerPeriod > bucket.TokenLimit)
                yield return new ValidationResult($"RateLimiting:{name}:TokensPerPeriod must be between 1 and TokenLimit.");
            if (bucket.ReplenishmentPeriod < TimeSpan.FromMilliseconds(1) || bucket.ReplenishmentPeriod > TimeSpan.FromHours(1))
                yield return new ValidationResult($"RateLimiting:{name}:ReplenishmentPeriod must be between 00:00:00.001 and 01:00:00.");
        }
    }
}

/// <summary>
/// ASP.NET Core's rate limiter with a token bucket per tenant (from the token) or per client address (no tenant):
/// over the limit, 429 problem+json with <c>Retry-After</c>; on every response the IETF <c>RateLimit-Policy</c> and
/// <c>RateLimit</c> headers (draft-ietf-httpapi-ratelimit-headers), so clients slow down before they hit it.
/// Health endpoints are exempt.
/// </summary>
public static class RateLimits
{
    public static void AddPipelineRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitingOptions>().BindConfiguration("RateLimiting").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => Limiter(sp.GetRequiredService<IOptions<RateLimitingOptions>>().Value));
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<PartitionedRateLimiter<HttpContext>>((o, limiter) =>
        {
            o.GlobalLimiter = limiter;
            o.OnRejected = RejectAsync;
        });
    }

    /// <summary>Early in the pipeline, so that every answer carries the headers, the ones refused before the limiter too.</summary>
    public static IApplicationBuilder UseRateLimitHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() => AddHeaders(context));
        return next(context);
    });

    /// <summary>A bucket's key: the tenant's id, or the client's address when the token names no tenant.</summary>
    private readonly record struct Key(bool IsTenant, string Id);

    private static PartitionedRateLimiter<HttpContext> Limiter(RateLimitingOptions options)
    {
        // Made once: a partition's factory runs only for a new key, but a lambda capturing the bucket would be a new
        // delegate on every request.
        Func<Key, TokenBucketRateLimiterOptions> tenant = _ => Bucket(options.Tenant), anonymous = _ => Bucket(options.Anonymous);
        return PartitionedRateLimiter.Create<HttpContext, Key>(context => Partition(context) is { } key
            ? RateLimitPartition.GetTokenBucketLimiter(key, key.IsTenant ? tenant : anonymous)
            : RateLimitPartition.GetNoLimiter(default(Key)));
    }

    private static TokenBucketRateLimiterOptions Bucket(RateLimitingOptions.Bucket bucket) => new()
    {
        TokenLimit = bucket.TokenLimit,
        TokensPerPeriod = bucket.TokensPerPeriod,
        ReplenishmentPeriod = bucket.ReplenishmentPeriod,
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>The bucket a request draws from, or null for the exempt ones.</summary>
    private static Key? Partition(HttpContext context)
    {
        if (context.Request.Path.StartsWithSegments("/health")) return null;
        return Caller.TenantOf(context.User) is { } tenant
            ? new Key(true, tenant)
            : new Key(false, context.Connection.RemoteIpAddress?.ToString() ?? "");
    }

    private static Task AddHeaders(HttpContext context)
    {
        if (Partition(context) is not { } key) return Task.CompletedTask;
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value;
        var bucket = key.IsTenant ? options.Tenant : options.Anonymous;
        var policy = key.IsTenant ? "tenant" : "anonymous";
        var remaining = context.RequestServices.GetRequiredService<PartitionedRateLimiter<HttpContext>>().GetStatistics(context)
            ?.CurrentAvailablePermits ?? bucket.TokenLimit;
        var periods = (int)Math.Ceiling((double)(bucket.TokenLimit - remaining) / bucket.TokensPerPeriod);
        var periodsToFill = Math.Ceiling((double)bucket.TokenLimit / bucket.TokensPerPeriod);
        var full = (long)Math.Ceiling(bucket.ReplenishmentPeriod.TotalSeconds * periodsToFill);
        var reset = (long)Math.Ceiling(bucket.ReplenishmentPeriod.TotalSeconds * periods);
        var headers = context.Response.Headers;
        headers["RateLimit-Policy"] = string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";q={bucket.TokenLimit};w={full}");
        headers["RateLimit"] = string.Create(CultureInfo.InvariantCulture, $"\"{policy}\";r={Math.Max(remaining, 0)};t={reset}");
        return Task.CompletedTask;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var context = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client sent more requests than its rate limit allows; retry after {seconds} s (see the RateLimit headers).",
            },
        });
    }
}
