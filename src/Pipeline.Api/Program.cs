using Mediator;
using Microsoft.AspNetCore.Http.Json;
using Pipeline.Api.Automation;
using Pipeline.Api.Changes;
using Pipeline.Api.Data;
using Pipeline.Api.Demo;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Reports;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;
using Pipeline.Api.Webhooks;

var builder = WebApplication.CreateBuilder(args);
var demo = args.Contains("--demo");
if (demo && !builder.Environment.IsDevelopment()) throw new InvalidOperationException("--demo seeds a demo tenant in Development only.");

// Storage: SQLite by default (a file in App_Data), SQL Server or PostgreSQL for N instances; differences live in dialects.
var database = DatabaseOptions.From(builder.Configuration, builder.Environment);
builder.Services.AddSingleton(_ => database.Dialect());
builder.Services.AddSingleton(demo ? new TravellingClock() : TimeProvider.System);
builder.Services.AddTransient<DemoTenant>();
builder.Services.AddSingleton<Reads>();
builder.Services.AddScoped<DbSession>();
builder.Services.AddKeyedSingleton(TransactionBehavior.RetryKey,
    (sp, _) => TransactionBehavior.BuildRetry(sp.GetRequiredService<ISqlDialect>()));

// Commands: compile-time mediator; every command runs telemetry → one transaction retried as a whole on transient
// errors → the Idempotency-Key check, inside that transaction.
builder.Services.AddMediator(options =>
{
    options.ServiceLifetime = ServiceLifetime.Scoped;
    options.PipelineBehaviors = [typeof(TelemetryBehavior<,>), typeof(TransactionBehavior<,>), typeof(IdempotencyBehavior<,>)];
});
// Outbound changes: each unit of work's outbox (written before COMMIT), the feed, and a bell rung after COMMIT.
builder.Services.AddScoped<ChangeLog>().AddScoped<ChangeFeed>().AddSingleton<ChangeSignal>();
builder.Services.AddOptions<ChangesOptions>().BindConfiguration("Changes").ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<ChangePurger>().AddHostedService(sp => sp.GetRequiredService<ChangePurger>());

// Webhooks: deliveries leave the outbox from a background dispatcher (every instance runs one; leases keep them apart).
// No redirects, no proxy, and every connection checks where the host resolves to now (no server-side request forgery).
builder.Services.AddOptions<WebhookOptions>().BindConfiguration("Webhooks").ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddScoped<WebhookStore>().AddScoped<WebhookQueries>().AddSingleton<WebhookUrlGuard>().AddSingleton<WebhookTelemetry>();
builder.Services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
    .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = sp.GetRequiredService<WebhookUrlGuard>().ConnectAsync,
    });
builder.Services.AddHostedService<WebhookDispatcher>();
builder.Services.AddScoped<StageStore>().AddScoped<StageQueries>().AddScoped<StageAuditLog>().AddScoped<StageAuditQueries>();
builder.Services.AddScoped<OpportunityStore>().AddScoped<OpportunityQueries>();
builder.Services.AddScoped<BoardQueries>().AddScoped<ReportQueries>().AddSingleton<BoardTotals>();
builder.Services.AddScoped<AutomationRuleStore>().AddScoped<AutomationRuleQueries>().AddScoped<IngestEventBatch>();
builder.Services.AddSingleton<AutomationTelemetry>();

// Automation: the inbox remembers event ids for a retention period; a background service purges older ones.
builder.Services.AddOptions<AutomationOptions>().BindConfiguration("Automation").ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddSingleton<InboxPurger>().AddHostedService(sp => sp.GetRequiredService<InboxPurger>());

// Who calls: a bearer JWT configured under Authentication:Schemes:Bearer; the tenant and scopes are its claims.
builder.Services.AddScoped<CallerScope>();
builder.Services.AddScoped(sp => sp.GetRequiredService<CallerScope>().Caller
                                 ?? throw new InvalidOperationException("No caller in this scope: only /api/v1 endpoints have one."));
builder.Services.AddSingleton<TenantProvisioner>();
builder.AddBearerTokens();
builder.Services.AddAuthorization(Scopes.AddPolicies);

// HTTP conventions: strict JSON, shape validation at the edge, every error a problem+json, bounded bodies.
builder.Services.Configure<JsonOptions>(o => Json.Configure(o.SerializerOptions));
builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddValidation();
builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Customize);
builder.Services.AddExceptionHandler<ExceptionProblems>();
builder.Services.AddOptions<LimitsOptions>().BindConfiguration("Limits").ValidateDataAnnotations().ValidateOnStart();
builder.WebHost.ConfigureKestrel(k =>
{
    k.AddServerHeader = false;
    // The exact cap is the body's own bytes (UseBodyLimit); Kestrel's, which counts chunk framing, is the outer guard.
    k.Limits.MaxRequestBodySize = 4L * builder.Configuration.GetValue("Limits:MaxBodyBytes", new LimitsOptions().MaxBodyBytes);
});
// Per-tenant token buckets, 429 with Retry-After, and the RateLimit headers on every response.
builder.Services.AddPipelineRateLimits();

builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
builder.AddPipelineTelemetry();

// Graceful shutdown: on SIGTERM, Kestrel stops accepting and lets in-flight requests finish within this time.
builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
builder.Services.AddPipelineOpenApi();

var app = builder.Build();

// Schema first: a service that cannot migrate must not take traffic.
app.Services.GetRequiredService<ISqlDialect>().Migrate();

// `-- --demo` (Development only): tenant "demo" gets a pipeline worth looking at, made through the commands.
if (demo) await app.Services.GetRequiredService<DemoTenant>().SeedAsync(app.Lifetime.ApplicationStopping);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseSecurityHeaders();
app.UseRateLimitHeaders();
app.UseBodyLimit();
// Operators may hide the contract and its UI in production (OpenApi:Enabled=false); openapi.yaml stays the reference.
// Only paths under /swagger go through them: the UI's middleware matches every request's path with a regular expression.
if (app.Configuration.GetValue("OpenApi:Enabled", true))
{
    app.UseWhen(c => c.Request.Path.StartsWithSegments("/swagger"), contract => contract
        .UseSwagger()
        .UseSwaggerUI(o => o.SwaggerEndpoint($"/swagger/{OpenApi.DocumentName}/swagger.json", "Pipeline API v1")));
}
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
// /api/v1: the caller read from the token once per request, its tenant provisioned on its first request.
app.UseTenantApi();

app.MapHealthChecks("/health/live", Operations.HealthReport(_ => false)).AllowAnonymous();
app.MapHealthChecks("/health/ready", Operations.HealthReport(c => c.Tags.Contains("ready"))).AllowAnonymous();

var api = app.MapGroup("/api/v1")
    .RequireAuthorization(Scopes.Read)
    .ActForTenant()
    .ProducesProblem(StatusCodes.Status401Unauthorized)
    .ProducesProblem(StatusCodes.Status403Forbidden);
api.MapStagesApi();
api.MapOpportunitiesApi();
api.MapAutomationApi();
api.MapReportsApi();
api.MapChangesApi();
api.MapWebhooksApi();

app.Run();

public partial class Program;
