using System.Diagnostics.Metrics;

namespace Pipeline.Api.Webhooks;

/// <summary>Deliveries by outcome, how long attempts take, and how old the oldest pending delivery is.</summary>
public sealed class WebhookTelemetry
{
    public const string MeterName = "Pipeline.Api.Webhooks";

    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _duration;
    private double _oldestPendingSeconds;

    public WebhookTelemetry(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>(
            "pipeline.webhooks.attempts", unit: "{attempt}", description: "Delivery attempts, by outcome: delivered, retrying, failed.");
        _duration = meter.CreateHistogram<double>(
            "pipeline.webhooks.attempt.duration", unit: "s", description: "Time from connecting to the receiver's status line.");
        meter.CreateObservableGauge("pipeline.webhooks.pending.oldest_age", () => Volatile.Read(ref _oldestPendingSeconds), unit: "s",
            description: "Age of the oldest delivery still pending (0 when none): how far behind the receivers are.");
    }

    public void Attempted(string outcome, TimeSpan duration)
    {
        _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void OldestPending(TimeSpan age) => Volatile.Write(ref _oldestPendingSeconds, Math.Max(0, age.TotalSeconds));
}
