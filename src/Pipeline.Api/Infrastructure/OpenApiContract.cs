using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pipeline.Api.Infrastructure;

/// <summary>The endpoint honours If-Match (its command carries the expected version).</summary>
public sealed record IfMatchMetadata;

/// <summary>
/// What the contract must say for a client to be typed against it, done once here rather than on every endpoint:
/// the headers the service reads and sends, the problems every operation can answer (400, 429), the members every
/// response always carries (nulls included), nullable references a strict validator accepts, and limits on every
/// number, string and array (OWASP API Security ruleset).
/// </summary>
public static class OpenApiContract
{
    public static void AddContract(this SwaggerGenOptions o)
    {
        o.OperationFilter<Headers>();
        o.DocumentFilter<Shapes>();
    }

    private static readonly (string Name, string Description, JsonSchemaType Type, string? Format)[] HeaderDefinitions =
    [
        ("RateLimit", "What is left of this client's quota (`r`) and seconds until it is whole again (`t`), e.g. `\"tenant\";r=297;t=1`.",
            JsonSchemaType.String, null),
        ("RateLimit-Policy", "This client's quota (`q`) and seconds to refill it (`w`), e.g. `\"tenant\";q=300;w=3`.",
            JsonSchemaType.String, null),
        ("Retry-After", "Seconds to wait before retrying.", JsonSchemaType.Integer, "int32"),
        ("ETag", "The resource's version as a strong entity tag, e.g. `\"3\"`; send it back in If-Match.", JsonSchemaType.String, null),
        ("Location", "The created resource.", JsonSchemaType.String, null),
    ];

    private sealed class Headers : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var document = context.Document;
            document.Components ??= new OpenApiComponents();
            document.Components.Headers ??= new Dictionary<string, IOpenApiHeader>();
            foreach (var (name, description, type, format) in HeaderDefinitions)
                document.Components.Headers.TryAdd(name, new OpenApiHeader
                {
                    Description = description,
                    Schema = type == JsonSchemaType.String
                        ? new OpenApiSchema { Type = type, MaxLength = 1000 }
                        : new OpenApiSchema { Type = type, Format = format, Minimum = "0", Maximum = "86400" },
                });

            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IfMatchMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = "If-Match",
                    In = ParameterLocation.Header,
                    Description = "The ETag the change is based on, e.g. `\"3\"` (or `*`): a stale one answers 412 and changes nothing.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100 },
                });
            }

            operation.Responses ??= [];
            Problem(operation, context, "400", "The request is not valid; `errors` says which member and why.",
                "HttpValidationProblemDetails");
            Problem(operation, context, "429", "Too many requests for this client; wait `Retry-After` seconds.", "ProblemDetails");
            if (operation.RequestBody is not null)
            {
                Problem(operation, context, "413", "The body is larger than the service takes (256 KB by default).", "ProblemDetails");
                Problem(operation, context, "415", "The body is not JSON (send Content-Type: application/json).", "ProblemDetails");
            }
            if (context.ApiDescription.HttpMethod is not "GET")
            {
                Problem(operation, context, "409", "A concurrent change won; read again and retry.", "ProblemDetails");
                Problem(operation, context, "503",
                    "The connection to the database failed while committing: the change may or may not be saved "
                    + "(`commit-outcome-unknown`). Read before retrying, or retry with the same Idempotency-Key.", "ProblemDetails");
            }
            var versioned = context.ApiDescription.SupportedResponseTypes
                .Where(r => r.Type is { } t && typeof(IVersioned).IsAssignableFrom(t)).Select(r => r.StatusCode.ToString()).ToHashSet();
            foreach (var (status, response) in operation.Responses)
            {
                if (response is not OpenApiResponse concrete || !(status.StartsWith('2') || status.StartsWith('4'))) continue;
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var name in new[] { "RateLimit", "RateLimit-Policy" })
                    concrete.Headers[name] = new OpenApiHeaderReference(name, document);
                if (status == "429") concrete.Headers["Retry-After"] = new OpenApiHeaderReference("Retry-After", document);
                if (versioned.Contains(status)) concrete.Headers["ETag"] = new OpenApiHeaderReference("ETag", document);
                if (status == "201") concrete.Headers["Location"] = new OpenApiHeaderReference("Location", document);
            }
        }

        private static void Problem(
            OpenApiOperation operation, OperationFilterContext context, string status, string description, string schema)
        {
            if (operation.Responses!.ContainsKey(status)) return;
            var type = schema == "ProblemDetails" ? typeof(ProblemDetails) : typeof(HttpValidationProblemDetails);
            context.SchemaGenerator.GenerateSchema(type, context.SchemaRepository);
            operation.Responses[status] = new OpenApiResponse
            {
                Description = description,
                Content = new Dictionary<string, IOpenApiMediaType>
                {
                    ["application/problem+json"] = new OpenApiMediaType { Schema = new OpenApiSchemaReference(schema, context.Document) },
                },
            };
        }
    }

    private sealed class Shapes : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
            var types = typeof(OpenApi).Assembly.GetTypes()
                .GroupBy(t => t.Name.EndsWith("Dto", StringComparison.Ordinal) ? t.Name[..^3] : t.Name)
                .ToDictionary(g => g.Key, g => g.First());
            foreach (var (name, schema) in schemas)
            {
                if (schema is not OpenApiSchema concrete) continue;
                if (IsProblem(name, types.GetValueOrDefault(name))) Problem(concrete);
                else if (IsResponse(name)) RequireEverything(concrete, types.GetValueOrDefault(name));
                else RequireWhatTheReaderRequires(concrete, types.GetValueOrDefault(name));
                foreach (var member in concrete.Properties?.Values.OfType<OpenApiSchema>() ?? []) NullableReference(member, schemas);
            }
            foreach (var schema in Walk(document)) Limit(schema);
            foreach (var server in document.Servers ?? [])
            {
                server.Description = "This service, wherever it runs (production, staging or local): paths are relative to its address.";
                server.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                server.Extensions["x-internal"] = new JsonNodeExtension(JsonValue.Create(false));
            }
        }

        private static bool IsProblem(string name, Type? type) =>
            name is "ProblemDetails" or "HttpValidationProblemDetails" || type?.IsAssignableTo(typeof(ProblemDetails)) == true;

        /// <summary>Request bodies are named …Body (and EventBatch); every other schema is something the service sends.</summary>
        private static bool IsResponse(string name) => !name.EndsWith("Body", StringComparison.Ordinal) && name != "EventBatch";

        /// <summary>The service sends every member, null or not, except the ones it leaves out when null.</summary>
        private static void RequireEverything(OpenApiSchema schema, Type? type)
        {
            if (schema.Properties is not { Count: > 0 } properties) return;
            var omitted = type?.GetProperties()
                .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: not JsonIgnoreCondition.Never })
                .Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name)).ToHashSet() ?? [];
            schema.Required = new HashSet<string>(properties.Keys.Where(k => !omitted.Contains(k)));
        }

        /// <summary>A body's constructor parameters without a default are required by the JSON reader: so says the contract.</summary>
        private static void RequireWhatTheReaderRequires(OpenApiSchema schema, Type? type)
        {
            if (schema.Properties is not { Count: > 0 } properties) return;
            if (type?.GetConstructors().MaxBy(c => c.GetParameters().Length) is not { } ctor) return;
            var required = ctor.GetParameters().Where(p => !p.HasDefaultValue)
                .Select(p => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(p.Name!)).Where(properties.ContainsKey);
            schema.Required = new HashSet<string>((schema.Required ?? new HashSet<string>()).Concat(required));
        }

        /// <summary>Every problem the service writes has these, its request's trace id included; 412 adds the current version.</summary>
        private static void Problem(OpenApiSchema schema)
        {
            schema.Properties ??= new Dictionary<string, IOpenApiSchema>();
            schema.Properties.TryAdd("traceId", new OpenApiSchema
            {
                Type = JsonSchemaType.String, MaxLength = 100, Description = "The request's W3C trace id, also in the service's logs.",
            });
            schema.Properties.TryAdd("currentVersion", new OpenApiSchema
            {
                Type = JsonSchemaType.Integer, Format = "int64", Description = "With 412: the resource's version now.",
            });
            schema.Required = new HashSet<string>(["type", "title", "status", "traceId"]);
        }

        /// <summary>
        /// A nullable member that is a reference (an enum, an object) becomes "the reference, or null" as anyOf, which
        /// strict OpenAPI 3.0 validators and generators read as <c>T | null</c>.
        /// </summary>
        private static void NullableReference(OpenApiSchema member, IDictionary<string, IOpenApiSchema> schemas)
        {
            if (member.AllOf is not [OpenApiSchemaReference reference]) return;
            if (member.Type is not { } type || !type.HasFlag(JsonSchemaType.Null)) return;
            var target = schemas.TryGetValue(reference.Reference.Id!, out var s) ? s.Type ?? JsonSchemaType.Object : JsonSchemaType.Object;
            member.AllOf = null;
            member.Type = null;
            var onlyNull = new OpenApiSchema
            {
                Type = (target & ~JsonSchemaType.Null) | JsonSchemaType.Null, Enum = [JsonValue.Create((string?)null)!],
            };
            member.AnyOf = [reference, onlyNull];
        }

        /// <summary>Bounds from each type where the code sets none: the service never sends or takes more.</summary>
        private static void Limit(OpenApiSchema schema)
        {
            if (schema.Enum is { Count: > 0 }) return;
            var type = schema.Type ?? 0;
            if (type.HasFlag(JsonSchemaType.Integer))
            {
                var int32 = schema.Format == "int32";
                schema.Minimum ??= int32 ? int.MinValue.ToString() : long.MinValue.ToString();
                schema.Maximum ??= int32 ? int.MaxValue.ToString() : long.MaxValue.ToString();
            }
            if (type.HasFlag(JsonSchemaType.String)) schema.MaxLength ??= schema.Format == "date-time" ? 40 : 100_000;
            if (type.HasFlag(JsonSchemaType.Array)) schema.MaxItems ??= 1000;
        }

        private static IEnumerable<OpenApiSchema> Walk(OpenApiDocument document)
        {
            var roots = new List<IOpenApiSchema?>();
            roots.AddRange(document.Components?.Schemas?.Values ?? []);
            foreach (var operation in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? []))
                roots.AddRange(operation.Parameters?.Select(p => p.Schema) ?? []);
            var seen = new HashSet<OpenApiSchema>(ReferenceEqualityComparer.Instance);
            var stack = new Stack<IOpenApiSchema?>(roots);
            while (stack.Count > 0)
            {
                if (stack.Pop() is not OpenApiSchema schema || !seen.Add(schema)) continue;
                yield return schema;
                foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.AllOf ?? []).Concat(schema.AnyOf ?? [])
                             .Append(schema.Items).Append(schema.AdditionalProperties))
                    stack.Push(child);
            }
        }
    }
}
