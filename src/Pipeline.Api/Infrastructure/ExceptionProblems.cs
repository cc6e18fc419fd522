using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Pipeline.Api.Data;
using Pipeline.Api.Rules;

namespace Pipeline.Api.Infrastructure;

/// <summary>The one place where exceptions become RFC 9457 problems.</summary>
public sealed partial class ExceptionProblems(
    IProblemDetailsService problems, ISqlDialect dialect, ILogger<ExceptionProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var body = httpContext.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.RequestType;
        var problem = ToProblem(exception, dialect, body);
        if (problem is null) return false;

        logger.LogInformation("Request refused with {Status}: {Detail}", problem.Status, problem.Detail);
        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(
            new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The problem an exception answers with; null for the unexpected ones (a 500, logged as an error).</summary>
    /// <param name="exception">What went wrong.</param>
    /// <param name="dialect">Tells constraint violations of the engine apart.</param>
    /// <param name="body">The type the endpoint reads its body into, to say what a JSON member should have been.</param>
    public static ProblemDetails? ToProblem(Exception exception, ISqlDialect dialect, Type? body = null)
    {
        var problem = exception switch
        {
            RuleViolationException { Violation: var v } => FromRule(v),
            NotFoundException e => Make(StatusCodes.Status404NotFound, "Not found", e.Message),
            PreconditionFailedException e =>
                Make(StatusCodes.Status412PreconditionFailed, "Precondition failed", e.Message, [("currentVersion", e.CurrentVersion)]),
            BadRequestException e => Validation((e.Field, e.Message), e.Message),
            BadHttpRequestException { InnerException: JsonException json } => Validation(BadRequests.Explain(json, body)),
            BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest } e => Validation(BadRequests.Explain(e)),
            BadHttpRequestException e => Make(e.StatusCode, e.StatusCode == 413 ? "Payload too large" : "Bad request", e.Message),
            ConcurrentUpdateException e => Make(StatusCodes.Status409Conflict, "Concurrent update",
                e.Message + " It kept changing while this request was retried; read it again and retry.", type: "concurrent-update"),
            CommitOutcomeUnknownException e => Make(StatusCodes.Status503ServiceUnavailable, "Commit outcome unknown",
                e.Message + " Read the resource before retrying, or retry with the same Idempotency-Key.", type: "commit-outcome-unknown"),
            DbException e when dialect.IsUniqueViolation(e) || dialect.IsForeignKeyViolation(e) =>
                Make(StatusCodes.Status409Conflict, "Conflict",
                    "The change conflicts with the current data (a concurrent change won). Read again and retry."),
            _ => null,
        };
        if (problem is not null && problem.Type is null && Problems.ByStatus.TryGetValue(problem.Status!.Value, out var code))
            problem.Type = Problems.Type(code);
        return problem;
    }

    private static ProblemDetails FromRule(RuleViolation v)
    {
        var status = v.Kind == ViolationKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        var problem = new ProblemDetails { Status = status, Type = Problems.Type(v.Code), Title = Title(v.Code), Detail = v.Message };
        foreach (var (key, value) in v.Data ?? new Dictionary<string, object?>()) problem.Extensions[key] = value;
        return problem;
    }

    private static ProblemDetails Validation((string Field, string Message) error, string? detail = null) =>
        new HttpValidationProblemDetails(new Dictionary<string, string[]> { [error.Field] = [error.Message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
            Detail = detail ?? $"{error.Field}: {error.Message}",
        };

    private static ProblemDetails Make(
        int status, string title, string detail, (string Key, object? Value)[]? extensions = null, string? type = null)
    {
        var problem = new ProblemDetails
        {
            Status = status, Title = title, Detail = detail, Type = type is null ? null : Problems.Type(type),
        };
        extensions ??= [];
        foreach (var (key, value) in extensions) problem.Extensions[key] = value;
        return problem;
    }

    private static string Title(string code) =>
        char.ToUpperInvariant(code[0]) + code[1..].Replace('-', ' ');
}
