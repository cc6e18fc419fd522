using System.Diagnostics;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>Collects the activities one source emits while it is alive (tests run one at a time).</summary>
public sealed class Spans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];

    public Spans(string sourceName)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a => { lock (_stopped) _stopped.Add(a); },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped
    {
        get { lock (_stopped) return _stopped.ToList(); }
    }

    public void Dispose() => _listener.Dispose();
}
