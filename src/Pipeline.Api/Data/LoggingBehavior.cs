using System.Diagnostics;
using Mediator;

namespace Pipeline.Api.Data;

/// <summary>Outermost behaviour: one log line per command with its name, outcome and duration.</summary>
public sealed partial class LoggingBehavior<TMessage, TResponse>(ILogger<LoggingBehavior<TMessage, TResponse>> logger)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : ICommand<TResponse>
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next(message, cancellationToken);
            Handled(typeof(TMessage).Name, "ok", Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (Exception e)
        {
            Handled(typeof(TMessage).Name, e.GetType().Name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            throw;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Command {Command} finished: {Outcome} in {ElapsedMs:F1} ms")]
    private partial void Handled(string command, string outcome, double elapsedMs);
}
