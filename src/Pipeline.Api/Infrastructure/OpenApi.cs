using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Pipeline.Api.Tenancy;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pipeline.Api.Infrastructure;

/// <summary>The OpenAPI document (the contract, exported to openapi.yaml) and the Swagger UI that serves it.</summary>
public static class OpenApi
{
    public const string DocumentName = "v1";
    private const string Bearer = "Bearer";

    public static IServiceCollection AddPipelineOpenApi(this IServiceCollection services) => services
        .AddEndpointsApiExplorer()
        .AddSwaggerGen(o =>
        {
            o.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "OpenFire Pipeline API",
                Version = "v1",
                Description = "Stages of the OpenFire sales pipeline (the kanban columns), the opportunities in them, "
                              + "and the probability of success each stage gives. Errors are RFC 9457 problem details "
                              + "whose `type` is stable per error kind. Writes accept `If-Match` with the resource's ETag.",
                Contact = new OpenApiContact { Name = "OpenFire support", Email = "support@openfire.fr" },
                License = new OpenApiLicense { Name = "Proprietary (OpenFire)", Url = new Uri("https://openfire.fr") },
            });
            o.AddServer(new OpenApiServer { Url = "/", Description = "This service (relative to the address it is reached at)" });
            o.SupportNonNullableReferenceTypes();
            o.CustomSchemaIds(SchemaId);
            // A nullable enum or object member is a $ref; OpenAPI 3.0 can only say "nullable" (and describe it) around an allOf.
            o.UseAllOfToExtendReferenceSchemas();
            o.IncludeXmlComments(Assembly.GetExecutingAssembly());
            o.MapType<decimal>(() => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "decimal" });
            o.MapType<Optional<long?>>(() => new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64" });
            o.MapType<Optional<string?>>(() => new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, MaxLength = 500 });
            o.MapType<Optional<IReadOnlyList<string>?>>(() => new OpenApiSchema
            {
                Type = JsonSchemaType.Array | JsonSchemaType.Null, MinItems = 1, MaxItems = Changes.ChangeTypes.All.Count,
                Items = new OpenApiSchema
                {
                    Type = JsonSchemaType.String, Enum = [.. Changes.ChangeTypes.All.Select(t => (System.Text.Json.Nodes.JsonNode)t)],
                },
            });
            o.AddSecurityDefinition(Bearer, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT from the OpenFire identity provider (or `dotnet user-jwts` in development) with a `tenant_id` claim "
                              + "and a `scope` claim, one space-separated string or several claims:\n\n"
                              + string.Join("\n", Scopes.Descriptions.Select(d => $"- `{d.Key}`: {d.Value}"))
                              + "\n\nEach operation names the scope it requires in `x-required-scope`. Tokens are validated as "
                              + "RFC8725 (JSON Web Token Best Current Practices) asks: signed (HS256/RS256), issuer, audience, "
                              + "lifetime and "
                              + "signature checked, 30 s of clock skew.",
            });
            o.OperationFilter<ScopesOperationFilter>();
            o.OperationFilter<Webhooks.WebhookCallbackOperationFilter>();
            o.DocumentFilter<TagDescriptionsDocumentFilter>();
            o.DocumentFilter<ReferenceWrappersDocumentFilter>();
            o.OperationFilter<RequestExamplesOperationFilter>();
            o.DocumentFilter<OptionalMembersDocumentFilter>();
            o.AddContract();
        });

    /// <summary>Names integrators see in generated clients: <c>Stage</c>, <c>StageList</c>, <c>OpportunityPage</c>.</summary>
    private static string SchemaId(Type type)
    {
        static string Name(Type t) => t.Name.EndsWith("Dto", StringComparison.Ordinal) ? t.Name[..^3] : t.Name;
        if (!type.IsGenericType) return Name(type);
        var argument = Name(type.GetGenericArguments()[0]);
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(ListOf<>) ? argument + "List"
            : definition == typeof(Page<>) ? argument + "Page"
            : argument + type.Name[..type.Name.IndexOf('`')];
    }

    /// <summary>
    /// An <see cref="Optional{T}"/> member of a nullable type accepts an explicit null. A document filter, because
    /// Swashbuckle decides member nullability from the CLR type (a struct) after the schema filters ran.
    /// </summary>
    private sealed class OptionalMembersDocumentFilter : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var types = typeof(OpenApi).Assembly.GetTypes();
            foreach (var (name, schema) in document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>())
            {
                var type = types.FirstOrDefault(t => t.Name == name);
                if (type is null || schema.Properties is null) continue;
                foreach (var property in type.GetProperties())
                {
                    var member = property.PropertyType;
                    if (!member.IsGenericType || member.GetGenericTypeDefinition() != typeof(Optional<>)) continue;
                    if (Nullable.GetUnderlyingType(member.GetGenericArguments()[0]) is null) continue;
                    var json = System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                    if (schema.Properties.TryGetValue(json, out var memberSchema) && memberSchema is OpenApiSchema concrete)
                        concrete.Type |= JsonSchemaType.Null;
                }
            }
        }
    }

    /// <summary>
    /// Tidies what <c>UseAllOfToExtendReferenceSchemas</c> leaves: a nullable member wrapping a $ref also states the
    /// referenced type (OpenAPI 3.0 wants "type" beside "nullable"), and a request body that only wraps a $ref is the $ref.
    /// </summary>
    private sealed class ReferenceWrappersDocumentFilter : IDocumentFilter
    {
        public void Apply(OpenApiDocument document, DocumentFilterContext context)
        {
            var schemas = document.Components?.Schemas ?? new Dictionary<string, IOpenApiSchema>();
            foreach (var member in schemas.Values.SelectMany(s => s.Properties?.Values ?? []).OfType<OpenApiSchema>())
            {
                if (member.AllOf is [OpenApiSchemaReference { Reference.Id: { } id }]
                    && member.Type is { } type && type.HasFlag(JsonSchemaType.Null)
                    && schemas.TryGetValue(id, out var target) && target.Type is { } targetType)
                    member.Type = targetType | JsonSchemaType.Null;
            }
            foreach (var media in document.Paths.Values.SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
                         .SelectMany(o => o.RequestBody?.Content?.Values ?? []).OfType<OpenApiMediaType>())
            {
                if (media.Schema is OpenApiSchema { AllOf: [var only], Type: null, Properties: null or { Count: 0 } }) media.Schema = only;
            }
        }
    }

    private sealed class TagDescriptionsDocumentFilter : IDocumentFilter
    {
        private static readonly Dictionary<string, string> Descriptions = new()
        {
            ["Stages"] = "The columns of the pipeline: create, rename, fold, set probability, reorder, edit, "
                         + "delete (never while they hold an opportunity).",
            ["Opportunities"] = "Opportunities and their moves between stages, probability, won / lost / reopen, archive, history.",
            ["Automation rules"] = "Which business event moves opportunities to which stage.",
            ["Events"] = "Business events reported by other OpenFire modules, applied exactly once.",
            ["Board"] = "The kanban board in one call.",
            ["Reports"] = "Forecast, time in stage, conversion and stale opportunities.",
            ["Changes"] = "Every committed change, in order: a replayable feed to poll (or long-poll) from where a reader stopped.",
            ["Webhooks"] = "Changes pushed to other modules' URLs, signed (Standard Webhooks), at least once, with their deliveries.",
        };

        public void Apply(OpenApiDocument document, DocumentFilterContext context) =>
            document.Tags = new HashSet<OpenApiTag>(Descriptions.Select(d => new OpenApiTag { Name = d.Key, Description = d.Value }));
    }

    /// <summary>Each secured operation names the bearer scheme and the scope its policy requires.</summary>
    private sealed class ScopesOperationFilter : IOperationFilter
    {
        public void Apply(OpenApiOperation operation, OperationFilterContext context)
        {
            var metadata = context.ApiDescription.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any()) return;
            var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList();
            if (policies.Count == 0) return;
            var scope = new[] { Scopes.Admin, Scopes.Write, Scopes.Read }.First(s => policies.Contains(s) || s == Scopes.Read);
            // Scopes belong to OAuth2 schemes in OpenAPI 3.0; for a bearer scheme the requirement lists none, and the
            // scope the policy demands is named in an extension and in the description.
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [] },
            ];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-required-scope"] = new JsonNodeExtension(System.Text.Json.Nodes.JsonValue.Create(scope));
            var separator = string.IsNullOrEmpty(operation.Description) ? "" : "\n\n";
            operation.Description = $"{operation.Description}{separator}Requires scope `{scope}`.".Trim();
        }
    }
}
