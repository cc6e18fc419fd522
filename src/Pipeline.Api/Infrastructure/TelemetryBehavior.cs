using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mediator;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Infrastructure;

/// <summary>
/// Outermost behaviour: every command is a span (command name, tenant, outcome), a duration in a histogram,
/// and one log line. Retries inside the transaction behaviour stay within the one span.
/// </summary>
public sealed partial class TelemetryBehavior<TMessage, TResponse>(
    CommandTelemetry telemetry, CallerScope scope, ILogger<TelemetryBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICommand<TResponse>
{
    public async ValueTask<TResponse> Handle(
        TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var command = typeof(TMessage).Name;
        var tenant = scope.Caller?.TenantId ?? "none";
        using var activity = CommandTelemetry.Source.StartActivity($"command {command}");
        activity?.SetTag("pipeline.command", command);
        activity?.SetTag("pipeline.tenant", tenant);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await next(message, cancellationToken);
        }
        catch (Exception e)
        {
            outcome = e.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            activity?.SetTag("pipeline.outcome", outcome);
            telemetry.Record(command, outcome, elapsed);
            Handled(command, tenant, outcome, elapsed);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Command {Command} for tenant {TenantId} finished: {Outcome} in {ElapsedMs:F1} ms")]
    private partial void Handled(string command, string tenantId, string outcome, double elapsedMs);
}

/// <summary>The span source and the meter of mediator commands.</summary>
public sealed class CommandTelemetry(IMeterFactory meters)
{
    public const string Name = "Pipeline.Api.Commands";

    public static readonly ActivitySource Source = new(Name);

    private readonly Histogram<double> _duration = meters.Create(Name)
        .CreateHistogram<double>(
            "pipeline.command.duration", unit: "ms", description: "Duration of mediator commands, by command and outcome.");

    public void Record(string command, string outcome, double elapsedMs) =>
        _duration.Record(elapsedMs,
            new KeyValuePair<string, object?>("pipeline.command", command), new KeyValuePair<string, object?>("pipeline.outcome", outcome));
}
