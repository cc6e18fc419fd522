using System.Text.Json;
using CsCheck;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// Random JSON bodies — wrong types, nulls, missing and unknown members, huge and odd strings, deep nesting — sent
/// to every write endpoint. Whatever comes, the answer is below 500; a refusal is problem+json in the API's words
/// (no .NET type or advice) and changes nothing. A bounded number of cases per engine; a failure prints its seed
/// (replay it with CsCheck_Seed).
/// </summary>
public sealed class RandomBodiesTests(DatabaseProvider provider) : ApiTest(provider)
{
    private static readonly string[] Members =
    [
        "name", "teamId", "stageId", "probability", "autoProbability", "folded", "position", "rottingDays", "expectedRevenue",
        "externalRef", "reason", "outcome", "stageIds", "ruleIds", "eventId", "type", "opportunityId", "occurredAt", "data",
        "events", "eventType", "targetStageId", "forwardOnly", "enabled", "isClosing", "Name", "",
    ];

    private static readonly string[] Endpoints =
    [
        "POST /api/v1/stages", "PUT /api/v1/stages/{stage}/name", "PUT /api/v1/stages/{stage}/fold", "PUT /api/v1/stages/{stage}/probability",
        "PATCH /api/v1/stages/{stage}", "PUT /api/v1/stages/order", "POST /api/v1/opportunities", "PATCH /api/v1/opportunities/{opportunity}",
        "POST /api/v1/opportunities/{opportunity}/move", "PUT /api/v1/opportunities/{opportunity}/probability",
        "POST /api/v1/opportunities/{opportunity}/lost", "POST /api/v1/opportunities/{opportunity}/reopen", "POST /api/v1/events",
        "POST /api/v1/events/batch", "POST /api/v1/automation-rules", "PUT /api/v1/automation-rules/{rule}", "PUT /api/v1/automation-rules/order",
    ];

    private static readonly string[] DotNetWords = ["Pipeline.", "System.", "Nullable", "constructor parameter", "Consider ", "`1", "Int64", "Decimal"];

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static readonly Gen<string> Leaf = Gen.OneOf(
        Gen.OneOf("null", "true", "false", "0", "-1", "1e400", "-0", "0.000000000000000000000000000001", "12.345", "9223372036854775808",
            "\"\"", "\"2026-11-29T09:30:00\"", "\"2026-11-29T09:30:00Z\"", "\"\\u0000\"", "\"\\u200b\"", "\"quote.issued\"", "\"won\"",
            "\"E\\u0301tape\"", "\"  \"", "\"Devis\"", Quote(new string('x', 20_000)),
            new string('[', 80) + new string(']', 80)),
        Gen.Long.Select(l => l.ToString()),
        Gen.Int[-3, 8].Select(i => i.ToString()),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R") : "1"),
        Gen.String[0, 30].Select(Quote));

    private static readonly Gen<string> Value = Gen.Recursive<string>((depth, self) => depth >= 3
        ? Leaf
        : Gen.Frequency(
            (4, Leaf),
            (1, self.Array[0, 4].Select(items => "[" + string.Join(",", items) + "]")),
            (2, Gen.Select(Gen.OneOf(Members), self).Array[0, 5]
                .Select(members => "{" + string.Join(",", members.Select(m => $"{Quote(m.Item1)}:{m.Item2}")) + "}"))));

    private static readonly Gen<string> Body = Gen.Frequency(
        (8, Gen.Select(Gen.OneOf(Members), Value).Array[0, 8]
            .Select(members => "{" + string.Join(",", members.Select(m => $"{Quote(m.Item1)}:{m.Item2}")) + "}")),
        (2, Value),
        (1, Gen.OneOf("", "{", "{\"name\":", "nul", "[1,2", "\"text\"")));

    [Test]
    public async Task AnyBody_ToAnyWriteEndpoint_AnswersBelow500_AndARefusalChangesNothing()
    {
        var stage = await Api.CreateStageAsync(new { name = "Aléatoire" });
        var opportunity = await Api.CreateOpportunityAsync(new { name = "Cible" });
        var rule = (await ReadAsync<Page<Automation.AutomationRuleDto>>(await Api.GetAsync("/api/v1/automation-rules"))).Items[0];
        var before = await SnapshotAsync();

        await Gen.Select(Gen.OneOf(Endpoints), Body).SampleAsync(async (endpoint, body) =>
        {
            var (method, url) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]
                .Replace("{stage}", stage.Id.ToString()).Replace("{opportunity}", opportunity.Id.ToString()).Replace("{rule}", rule.Id.ToString()));
            var response = await Api.SendAsync(new HttpMethod(method), url, body);
            var text = await response.Content.ReadAsStringAsync();

            Assert.That((int)response.StatusCode, Is.LessThan(500), text);
            if (response.IsSuccessStatusCode)
            {
                before = await SnapshotAsync();
                return;
            }
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"), text);
            Assert.That(DotNetWords.Where(w => text.Contains(w, StringComparison.Ordinal)), Is.Empty, text);
            Assert.That(await SnapshotAsync(), Is.EqualTo(before), "a refused request changed nothing");
        }, iter: 120, threads: 1, print: t => $"{t.Item1} {(t.Item2.Length > 300 ? t.Item2[..300] + "…" : t.Item2)}");
    }

    private async Task<string> SnapshotAsync()
    {
        var parts = await Task.WhenAll(new[]
        {
            "/api/v1/stages", "/api/v1/opportunities?limit=100", "/api/v1/opportunities?archived=true&limit=100", "/api/v1/automation-rules",
        }.Select(async url => await (await Api.GetAsync(url)).Content.ReadAsStringAsync()));
        return string.Join("\n", parts);
    }
}
