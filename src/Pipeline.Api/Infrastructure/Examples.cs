using System.Text.Json;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pipeline.Api.Infrastructure;

/// <summary>How an operation reads in the contract: its summary, description, request examples and problems.</summary>
/// <param name="Summary">One line.</param>
/// <param name="Description">What a caller needs to know beyond the summary.</param>
public sealed record EndpointDoc(string Summary, string? Description = null)
{
    /// <summary>Named request-body examples, in the help page's vocabulary.</summary>
    public IReadOnlyDictionary<string, object>? Examples { get; init; }

    /// <summary>The problem statuses it can answer besides 401 and 403 (400 is a validation problem).</summary>
    public int[] Problems { get; init; } = [];

    /// <summary>Problems with members of their own, by status (e.g. the deletion guard's counts).</summary>
    public IReadOnlyDictionary<int, Type> TypedProblems { get; init; } = new Dictionary<int, Type>();
}

/// <summary>A use case that documents its own endpoint; its type name is the operationId.</summary>
public interface IDocumented
{
    static abstract EndpointDoc Doc { get; }
}

/// <summary>Named request-body examples for an endpoint's OpenAPI operation.</summary>
public sealed record RequestExamples(IReadOnlyDictionary<string, object> Examples);

public static class EndpointDocExtensions
{
    public static RouteHandlerBuilder Describe<TCommand>(this RouteHandlerBuilder builder) where TCommand : IDocumented
    {
        if (typeof(TCommand).GetProperty("ExpectedVersion") is not null) builder.WithMetadata(new IfMatchMetadata());
        return builder.Describe(typeof(TCommand).Name, TCommand.Doc);
    }

    public static RouteHandlerBuilder Describe(this RouteHandlerBuilder builder, string operationId, EndpointDoc doc)
    {
        builder.WithName(operationId).WithSummary(doc.Summary);
        if (doc.Description is { } description) builder.WithDescription(description);
        if (doc.Examples is { } examples) builder.WithMetadata(new RequestExamples(examples));
        foreach (var status in doc.Problems)
        {
            if (status == StatusCodes.Status400BadRequest) builder.ProducesValidationProblem();
            else if (doc.TypedProblems.TryGetValue(status, out var type)) builder.Produces(status, type, "application/problem+json");
            else builder.ProducesProblem(status);
        }
        return builder;
    }
}

/// <summary>Writes <see cref="RequestExamples"/> metadata into the operation's JSON request body.</summary>
public sealed class RequestExamplesOperationFilter : IOperationFilter
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var examples = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestExamples>().FirstOrDefault();
        if (examples is null || operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true
            || media is not OpenApiMediaType concrete) return;
        concrete.Examples = examples.Examples.ToDictionary(
            e => e.Key,
            e => (IOpenApiExample)new OpenApiExample { Summary = e.Key, Value = JsonSerializer.SerializeToNode(e.Value, Web) });
    }
}
