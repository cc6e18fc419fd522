using System.ComponentModel.DataAnnotations;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Rules;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Automation;

/// <param name="RuleIds">Every rule of the tenant, each once, in the order they are tried.</param>
public sealed record ReorderAutomationRulesBody([property: Required, MaxLength(500)] IReadOnlyList<long> RuleIds);

/// <summary>Puts the tenant's rules in the order they are tried; the first that applies wins.</summary>
public sealed record ReorderAutomationRules(ReorderAutomationRulesBody Body)
    : ICommand<ListOf<AutomationRuleDto>>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Reorder the automation rules", "Takes every rule, each once, in the order they are tried.")
    {
        Examples = new Dictionary<string, object> { ["quote rule first"] = new { ruleIds = new[] { 4, 1, 2, 3 } } },
        Problems = [400, 422],
    };
}

public sealed class ReorderAutomationRulesHandler(AutomationRuleStore rules, DbSession db, Caller caller)
    : ICommandHandler<ReorderAutomationRules, ListOf<AutomationRuleDto>>
{
    public async ValueTask<ListOf<AutomationRuleDto>> Handle(ReorderAutomationRules command, CancellationToken ct)
    {
        var requested = command.Body.RuleIds;
        var all = await rules.AllAsync(ct);
        AutomationPolicy.CheckOrder(all.Select(r => r.Id).ToList(), requested).ThrowIfBroken();
        var byId = all.ToDictionary(r => r.Id);
        var ordered = requested.Select((id, i) => (Row: byId[id], Sequence: i + 1)).ToList();
        var moved = ordered.Where(x => x.Row.Sequence != x.Sequence).ToList();
        var now = rules.Now;
        await db.ExecuteAsync(Sql.SetSequence, moved.Select(x => new { caller.TenantId, x.Row.Id, x.Sequence, Now = now }), ct);
        foreach (var (row, sequence) in moved) (row.Sequence, row.Version) = (sequence, row.Version + 1);
        return new ListOf<AutomationRuleDto>(ordered.Select(x => x.Row.ToDto()).ToList());
    }

    private static class Sql
    {
        public const string SetSequence = """
            UPDATE AutomationRules SET Sequence = @Sequence, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;
    }
}
