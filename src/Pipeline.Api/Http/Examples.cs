using System.Text.Json;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pipeline.Api.Http;

/// <summary>Named request-body examples for an endpoint's OpenAPI operation.</summary>
public sealed record RequestExamples(IReadOnlyDictionary<string, object> Examples);

public static class ExampleExtensions
{
    public static RouteHandlerBuilder WithRequestExamples(this RouteHandlerBuilder builder, IReadOnlyDictionary<string, object> examples) =>
        builder.WithMetadata(new RequestExamples(examples));

    public static RouteHandlerBuilder WithRequestExample(this RouteHandlerBuilder builder, string name, object example) =>
        builder.WithRequestExamples(new Dictionary<string, object> { [name] = example });
}

/// <summary>Writes <see cref="RequestExamples"/> metadata into the operation's JSON request body.</summary>
public sealed class RequestExamplesOperationFilter : IOperationFilter
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var examples = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestExamples>().FirstOrDefault();
        if (examples is null || operation.RequestBody?.Content?.TryGetValue("application/json", out var media) != true || media is not OpenApiMediaType concrete) return;
        concrete.Examples = examples.Examples.ToDictionary(
            e => e.Key,
            e => (IOpenApiExample)new OpenApiExample { Summary = e.Key, Value = JsonSerializer.SerializeToNode(e.Value, Web) });
    }
}
