using System.Text.Json.Serialization;
using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Automation;

/// <summary>Adds a rule after the existing ones; its target must be an open stage of the rule's team's pipeline.</summary>
public sealed record CreateAutomationRule(AutomationRuleBody Body, [property: JsonIgnore] string? IdempotencyKey = null)
    : IIdempotentCreate, ICommand<AutomationRuleDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new(
        "Create an automation rule",
        "Tried after the existing rules. The target must be an open stage of the rule's team's pipeline.")
    {
        Examples = new Dictionary<string, object>
        {
            ["quote issued → Devis"] = new { eventType = "quote.issued", targetStageId = 4, forwardOnly = true, enabled = true },
        },
        Problems = [400, 422],
    };
}

public sealed class CreateAutomationRuleHandler(
    AutomationRuleStore rules, DbSession db) : ICommandHandler<CreateAutomationRule, AutomationRuleDto>
{
    public async ValueTask<AutomationRuleDto> Handle(CreateAutomationRule command, CancellationToken ct)
    {
        await rules.CheckTargetAsync(command.Body, ct);
        var all = await rules.AllAsync(ct);
        var row = new AutomationRuleRow { Sequence = all.Count == 0 ? 1 : all.Max(r => r.Sequence) + 1, Version = 1 };
        row.Id = await db.InsertAsync(Sql.Insert, rules.Apply(row, command.Body), ct);
        return row.ToDto();
    }

    private static class Sql
    {
        public const string Insert = """
            INSERT INTO AutomationRules (TenantId, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version,
                CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @EventType, @TargetStageId, @TeamId, @ForwardOnly, @Enabled, @Sequence, 1, @Now, @Now);
            """;
    }
}
