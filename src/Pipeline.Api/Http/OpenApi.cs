using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Pipeline.Api.Tenancy;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace Pipeline.Api.Http;

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
            });
            o.SupportNonNullableReferenceTypes();
            o.IncludeXmlComments(Assembly.GetExecutingAssembly());
            o.MapType<decimal>(() => new OpenApiSchema { Type = JsonSchemaType.Number, Format = "decimal" });
            o.MapType<Optional<long?>>(() => new OpenApiSchema { Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64" });
            o.AddSecurityDefinition(Bearer, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "A JWT with a `tenant_id` claim and a `scope` claim naming pipeline.read, pipeline.write or pipeline.admin.",
            });
            o.OperationFilter<ScopesOperationFilter>();
            o.OperationFilter<RequestExamplesOperationFilter>();
            o.DocumentFilter<OptionalMembersDocumentFilter>();
        });

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
                    if (!property.PropertyType.IsGenericType || property.PropertyType.GetGenericTypeDefinition() != typeof(Optional<>)) continue;
                    if (Nullable.GetUnderlyingType(property.PropertyType.GetGenericArguments()[0]) is null) continue;
                    if (schema.Properties.TryGetValue(System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(property.Name), out var member)
                        && member is OpenApiSchema concrete)
                        concrete.Type |= JsonSchemaType.Null;
                }
            }
        }
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
            operation.Security =
            [
                new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(Bearer, context.Document)] = [scope] },
            ];
            operation.Description = $"{operation.Description}{(string.IsNullOrEmpty(operation.Description) ? "" : "\n\n")}Requires scope `{scope}`.".Trim();
        }
    }
}
