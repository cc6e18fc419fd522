using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>Keeps the service's recent log lines with their scope values (the TraceId among them).</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private const int Capacity = 20_000;
    private readonly ConcurrentQueue<Entry> _entries = new();
    private IExternalScopeProvider? _scopes;

    public sealed record Entry(string Category, LogLevel Level, string Message, IReadOnlyDictionary<string, object?> Scope);

    public IEnumerable<Entry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scope = new Dictionary<string, object?>();
            owner._scopes?.ForEachScope((value, values) =>
            {
                if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (key, item) in pairs) values[key] = item;
            }, scope);
            owner._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), scope));
            while (owner._entries.Count > Capacity) owner._entries.TryDequeue(out _);
        }
    }
}
