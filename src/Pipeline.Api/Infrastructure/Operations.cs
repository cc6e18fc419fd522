using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Api.Automation;
using Pipeline.Api.Data;

namespace Pipeline.Api.Infrastructure;

/// <summary>What operators see: telemetry, structured logs, health reports.</summary>
public static class Operations
{
    /// <summary>
    /// Traces and metrics for HTTP, database statements and mediator commands. Exported over OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set (the standard OTEL_* variables configure it); silent otherwise.
    /// </summary>
    public static void AddPipelineTelemetry(this WebApplicationBuilder builder)
    {
        AddLogging(builder);
        builder.Services.AddSingleton<CommandTelemetry>();
        // Without an exporter nothing would read the spans and measurements: the SDK is not even registered, so
        // no request pays for activities and measurements nobody reads.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"])) return;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("pipeline-api"))
            .WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/health"))
                .AddSource(DbTelemetry.SourceName, CommandTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(CommandTelemetry.Name, AutomationTelemetry.MeterName, Webhooks.WebhookTelemetry.MeterName))
            .UseOtlpExporter();
    }

    private static void AddLogging(WebApplicationBuilder builder)
    {
        // Every log line carries its request's trace and span ids; Production writes one JSON object per line.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        if (builder.Environment.IsProduction())
            builder.Logging.ClearProviders().AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
    }

    /// <summary>The health report as JSON: overall status, and each check with its data (database provider, migrations).</summary>
    public static HealthCheckOptions HealthReport(Func<HealthCheckRegistration, bool> predicate) => new()
    {
        Predicate = predicate,
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(JsonSerializer.Serialize(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key, e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    data = e.Value.Data,
                }),
            }, JsonSerializerOptions.Web));
        },
    };
}
