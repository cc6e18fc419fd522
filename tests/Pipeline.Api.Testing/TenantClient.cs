using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Tests.Infrastructure;

/// <summary>HTTP in, JSON out: thin helpers over one tenant's HttpClient. Nothing below it is faked.</summary>
public sealed class TenantClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public HttpClient Http => http;

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is string raw) request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        else if (body is not null) request.Content = JsonContent.Create(body, options: Json);
        if (ifMatch is not null) request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> GetAsync(string url) => SendAsync(HttpMethod.Get, url);
    public Task<HttpResponseMessage> PostAsync(string url, object? body = null, string? ifMatch = null) => SendAsync(HttpMethod.Post, url, body, ifMatch);
    public Task<HttpResponseMessage> PutAsync(string url, object? body, string? ifMatch = null) => SendAsync(HttpMethod.Put, url, body, ifMatch);
    public Task<HttpResponseMessage> PatchAsync(string url, object? body, string? ifMatch = null) => SendAsync(HttpMethod.Patch, url, body, ifMatch);
    public Task<HttpResponseMessage> DeleteAsync(string url, string? ifMatch = null) => SendAsync(HttpMethod.Delete, url, null, ifMatch);

    /// <summary>PUT for the endpoints that replace (an order), POST for the others.</summary>
    public Task<HttpResponseMessage> PostOrPutAsync(string url, object? body) =>
        SendAsync(url.EndsWith("/order", StringComparison.Ordinal) ? HttpMethod.Put : HttpMethod.Post, url, body);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(expected), $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    /// <summary>Asserts an RFC 9457 problem with this status and type code, and returns its body.</summary>
    public static async Task<JsonObject> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), text);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
        var problem = JsonNode.Parse(text)!.AsObject();
        Assert.That((string?)problem["type"], Is.EqualTo($"https://docs.openfire.fr/pipeline/problems/{code}"), text);
        Assert.That((int?)problem["status"], Is.EqualTo((int)status), text);
        return problem;
    }

    // Domain shortcuts used by many tests.

    public async Task<List<StageDto>> StagesAsync(long? teamId = null) =>
        (await ReadAsync<Page<StageDto>>(await GetAsync(teamId is null ? "/api/v1/stages" : $"/api/v1/stages?teamId={teamId}"))).Items;

    public async Task<StageDto> StageAsync(string name) => (await StagesAsync()).Single(s => s.Name == name);

    public async Task<StageDto> CreateStageAsync(object body) =>
        await ReadAsync<StageDto>(await PostAsync("/api/v1/stages", body), HttpStatusCode.Created);

    public async Task<OpportunityDto> CreateOpportunityAsync(object body) =>
        await ReadAsync<OpportunityDto>(await PostAsync("/api/v1/opportunities", body), HttpStatusCode.Created);

    public async Task<OpportunityDto> OpportunityAsync(long id) =>
        await ReadAsync<OpportunityDto>(await GetAsync($"/api/v1/opportunities/{id}"));

    public async Task<OpportunityDto> MoveAsync(long id, long stageId, string? outcome = null) =>
        await ReadAsync<OpportunityDto>(await PostAsync($"/api/v1/opportunities/{id}/move", outcome is null ? new { stageId } : new { stageId, outcome }));

    public async Task<List<HistoryEntryDto>> HistoryAsync(long id) =>
        (await ReadAsync<Page<HistoryEntryDto>>(await GetAsync($"/api/v1/opportunities/{id}/history?limit=100"))).Items;

    public sealed record Page<T>(List<T> Items, string? NextCursor);
}
