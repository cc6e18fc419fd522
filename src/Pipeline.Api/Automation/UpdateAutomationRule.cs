using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Automation;

/// <summary>Replaces a rule's settings (its place in the order stays).</summary>
public sealed record UpdateAutomationRule(long RuleId, long? ExpectedVersion, AutomationRuleBody Body)
    : ICommand<AutomationRuleDto>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Replace an automation rule")
    {
        Examples = new Dictionary<string, object>
        {
            ["technical visit done → Visite Technique, team 2"] =
                new { eventType = "technical_visit.completed", targetStageId = 3, teamId = 2, forwardOnly = true, enabled = true },
        },
        Problems = [400, 404, 412, 422],
    };
}

public sealed class UpdateAutomationRuleHandler(
    AutomationRuleStore rules, DbSession db) : ICommandHandler<UpdateAutomationRule, AutomationRuleDto>
{
    public async ValueTask<AutomationRuleDto> Handle(UpdateAutomationRule command, CancellationToken ct)
    {
        await rules.CheckTargetAsync(command.Body, ct);
        var row = await rules.LoadAsync(command.RuleId, command.ExpectedVersion, ct);
        await db.ExecuteAsync(Sql.Update, rules.Apply(row, command.Body), ct);
        row.Version++;
        return row.ToDto();
    }

    private static class Sql
    {
        public const string Update = """
            UPDATE AutomationRules
            SET EventType = @EventType, TargetStageId = @TargetStageId, TeamId = @TeamId, ForwardOnly = @ForwardOnly,
                Enabled = @Enabled, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;
    }
}
