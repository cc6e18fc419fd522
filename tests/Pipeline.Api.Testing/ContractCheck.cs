using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Json.Schema;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.Swagger;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>
/// Every response an API test receives is checked against the contract: its status is documented for that
/// operation, its body validates against the documented schema (OpenAPI 3.0's <c>nullable</c> read as JSON Schema
/// types with null; <c>additionalProperties: false</c> refuses undocumented members) and the documented headers
/// are there. The document is the one the service generates, which the contract test proves equal to openapi.yaml.
/// One undocumented status, member or null fails the test that produced it.
/// </summary>
public sealed class ContractCheck(Lazy<ContractCheck.Contract> contract) : DelegatingHandler
{
    public ContractCheck(Func<JsonObject> document) : this(new Lazy<Contract>(() => new Contract(document())))
    {
    }

    /// <summary>The contract an app serves, as JSON.</summary>
    public static JsonObject DocumentOf(IServiceProvider services)
    {
        var openApi = services.GetRequiredService<ISwaggerProvider>().GetSwagger("v1");
        using var text = new StringWriter();
        openApi.SerializeAsV3(new OpenApiJsonWriter(text));
        return JsonNode.Parse(text.ToString())!.AsObject();
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        await response.Content.LoadIntoBufferAsync(cancellationToken);
        var problems = contract.Value.Check(request.Method, request.RequestUri!.AbsolutePath, response,
            await response.Content.ReadAsStringAsync(cancellationToken));
        if (problems.Count > 0)
            Assert.Fail($"{request.Method} {request.RequestUri.PathAndQuery} answered {(int)response.StatusCode} outside the contract:\n- "
                        + string.Join("\n- ", problems));
        return response;
    }

    /// <summary>The document's operations and schemas, built once per app and shared by its clients.</summary>
    public sealed class Contract(JsonObject document)
    {
        private readonly JsonObject _definitions = Convert(document["components"]?["schemas"]?.DeepClone() ?? new JsonObject())!.AsObject();
        private readonly ConcurrentDictionary<string, JsonSchema> _schemas = new();

        private readonly List<(Regex Path, string Template)> _templates = document["paths"]!.AsObject()
            .Select(p => p.Key)
            .OrderBy(t => t.Count(c => c == '{'))
            .Select(t => (new Regex("^" + Regex.Replace(t, @"\{[^}]+\}", "[^/]+") + "$"), t))
            .ToList();

        public List<string> Check(HttpMethod method, string path, HttpResponseMessage response, string body)
        {
            var template = _templates.FirstOrDefault(t => t.Path.IsMatch(path)).Template;
            if (template is null) return [];
            if (document["paths"]![template]![method.Method.ToLowerInvariant()] is not JsonObject operation)
                return [$"{method} is not documented on {template}"];
            var status = ((int)response.StatusCode).ToString();
            if (operation["responses"]?[status] is not JsonObject documented)
                return [$"status {status} is not documented for {method} {template}"];

            var problems = new List<string>();
            foreach (var (header, _) in documented["headers"]?.AsObject() ?? [])
                if (!response.Headers.Contains(header) && !response.Content.Headers.Contains(header))
                    problems.Add($"header {header} is documented but missing");
            var media = response.Content.Headers.ContentType?.MediaType;
            if (string.IsNullOrEmpty(body)) return problems;
            if (media is null || documented["content"]?[media]?["schema"] is not { } schema)
            {
                problems.Add($"a {media} body is not documented for status {status}");
                return problems;
            }
            var results = _schemas.GetOrAdd($"{template} {method} {status} {media}", _ => Build(schema))
                .Evaluate(JsonDocument.Parse(body).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
            if (!results.IsValid)
                problems.AddRange((results.Details ?? []).Where(d => d.Errors is { Count: > 0 })
                    .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Distinct().Take(10));
            return problems;
        }

        private JsonSchema Build(JsonNode schema)
        {
            var root = Convert(schema.DeepClone())!.AsObject();
            root["$defs"] = _definitions.DeepClone();
            return JsonSchema.FromText(root.ToJsonString(), new BuildOptions(), new Uri($"https://contract.test/{Guid.NewGuid():N}"));
        }

        /// <summary>OpenAPI 3.0 schema → JSON Schema: component refs to $defs, <c>nullable</c> to a type with null.</summary>
        private static JsonNode? Convert(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var key in o.Select(p => p.Key).Where(k => k.StartsWith("x-", StringComparison.Ordinal) || k == "example").ToList())
                        o.Remove(key);
                    if (o["$ref"] is JsonValue reference && reference.GetValue<string>() is var r && r.StartsWith("#/components/schemas/"))
                        o["$ref"] = "#/$defs/" + r["#/components/schemas/".Length..];
                    if (o["nullable"] is JsonValue nullable)
                    {
                        o.Remove("nullable");
                        if (nullable.GetValue<bool>() && o["type"] is JsonValue type) o["type"] = new JsonArray(type.GetValue<string>(), "null");
                    }
                    foreach (var key in o.Select(p => p.Key).ToList()) o[key] = Convert(o[key]?.DeepClone());
                    return o;
                case JsonArray a:
                    for (var i = 0; i < a.Count; i++) a[i] = Convert(a[i]?.DeepClone());
                    return a;
                default:
                    return node;
            }
        }
    }
}
