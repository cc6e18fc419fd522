using Microsoft.AspNetCore.Mvc;

namespace Pipeline.Api.Infrastructure;

/// <summary>Every problem's <c>type</c> is this base plus a stable code; clients switch on it.</summary>
public static class Problems
{
    public const string TypeBase = Rules.RuleViolation.TypeBase;

    public static string Type(string code) => TypeBase + code;

    /// <summary>An <c>HttpContext.Items</c> key: the detail a status-code problem should carry (e.g. why a token was refused).</summary>
    public static readonly object DetailKey = new();

    /// <summary>Codes for the errors that are not business rules.</summary>
    public static readonly IReadOnlyDictionary<int, string> ByStatus = new Dictionary<int, string>
    {
        [StatusCodes.Status400BadRequest] = "validation",
        [StatusCodes.Status401Unauthorized] = "unauthorized",
        [StatusCodes.Status403Forbidden] = "forbidden",
        [StatusCodes.Status404NotFound] = "not-found",
        [StatusCodes.Status405MethodNotAllowed] = "method-not-allowed",
        [StatusCodes.Status409Conflict] = "conflict",
        [StatusCodes.Status412PreconditionFailed] = "precondition-failed",
        [StatusCodes.Status413PayloadTooLarge] = "payload-too-large",
        [StatusCodes.Status415UnsupportedMediaType] = "unsupported-media-type",
        [StatusCodes.Status429TooManyRequests] = "rate-limited",
        [StatusCodes.Status500InternalServerError] = "internal",
    };

    /// <summary>Gives every problem the service writes a stable type and its request's trace id.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var ours = problem.Type?.StartsWith(TypeBase, StringComparison.Ordinal) == true;
        if (!ours && ByStatus.TryGetValue(status, out var code))
            problem.Type = Type(code);
        problem.Instance ??= context.HttpContext.Request.Path;
        if (problem.Detail is null && context.HttpContext.Items.TryGetValue(DetailKey, out var detail)) problem.Detail = detail as string;
        if (problem is HttpValidationProblemDetails validation) CamelCaseKeys(validation.Errors);
    }

    private static string CamelCase(string part) => part.Length == 0 ? part : char.ToLowerInvariant(part[0]) + part[1..];

    /// <summary>Field names as the JSON spells them (<c>stageIds[0]</c>, not <c>StageIds[0]</c>).</summary>
    private static void CamelCaseKeys(IDictionary<string, string[]> errors)
    {
        foreach (var (key, messages) in errors.ToList())
        {
            var camel = string.Join('.', key.Split('.').Select(CamelCase));
            if (camel == key) continue;
            errors.Remove(key);
            errors[camel] = messages;
        }
    }
}

/// <summary>The resource does not exist for this tenant (another tenant's ids answer the same).</summary>
public sealed class NotFoundException(string resource, object id) : Exception($"{resource} {id} was not found.");

/// <summary>The caller's If-Match named a version that is no longer current.</summary>
public sealed class PreconditionFailedException(string resource, long currentVersion)
    : Exception($"The {resource} has changed since you read it: its current version is {currentVersion}. Read it again and retry.")
{
    public long CurrentVersion { get; } = currentVersion;
}

/// <summary>A request value that the shape checks cannot see (a cursor, a header).</summary>
public sealed class BadRequestException(string field, string message) : Exception(message)
{
    public string Field { get; } = field;
}

/// <summary>
/// The 409 of DeleteStage, typed for clients: when <c>type</c> ends in <c>stage-not-empty</c>, the counts say what
/// the stage still holds (archived opportunities included); <c>stage-targeted-by-rules</c> names the rules instead.
/// </summary>
public sealed class StageDeletionProblem : ProblemDetails
{
    /// <summary>Active opportunities still in the stage.</summary>
    public long? ActiveCount { get; set; }

    /// <summary>Archived (inactive) opportunities still in the stage.</summary>
    public long? ArchivedCount { get; set; }

    /// <summary>Automation rules that target the stage.</summary>
    public IReadOnlyList<long>? RuleIds { get; set; }
}
