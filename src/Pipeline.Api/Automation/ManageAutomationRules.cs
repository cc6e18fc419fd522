using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Http;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Automation;

/// <summary>Adds a rule after the existing ones.</summary>
public sealed record CreateAutomationRule(AutomationRuleBody Rule) : ICommand<AutomationRuleDto>;

/// <summary>Replaces a rule's settings (its place in the order stays).</summary>
public sealed record UpdateAutomationRule(long RuleId, long? ExpectedVersion, AutomationRuleBody Rule) : ICommand<AutomationRuleDto>;

public sealed record DeleteAutomationRule(long RuleId, long? ExpectedVersion) : ICommand<Unit>;

/// <param name="RuleIds">Every rule of the tenant, each once, in the order they are tried.</param>
public sealed record ReorderAutomationRules(
    [property: System.ComponentModel.DataAnnotations.Required, System.ComponentModel.DataAnnotations.MaxLength(500)] IReadOnlyList<long> RuleIds)
    : ICommand<ListOf<AutomationRuleDto>>;

/// <summary>
/// The four rule commands. They take the tenant's configuration lock like the stage commands, so a rule never
/// targets a stage that a concurrent command is deleting (the foreign key would refuse it anyway).
/// </summary>
public sealed class AutomationRuleHandlers(StageStore stages, AutomationRuleStore rules, DbSession db, Caller caller)
    : ICommandHandler<CreateAutomationRule, AutomationRuleDto>,
      ICommandHandler<UpdateAutomationRule, AutomationRuleDto>,
      ICommandHandler<DeleteAutomationRule, Unit>,
      ICommandHandler<ReorderAutomationRules, ListOf<AutomationRuleDto>>
{
    public async ValueTask<AutomationRuleDto> Handle(CreateAutomationRule command, CancellationToken ct)
    {
        await CheckTargetAsync(command.Rule, ct);
        var all = await rules.AllAsync(ct);
        var row = Apply(new AutomationRuleRow { Sequence = all.Count == 0 ? 1 : all.Max(r => r.Sequence) + 1, Version = 1 }, command.Rule);
        row.Id = await db.InsertAsync(Sql.Insert, Parameters(row), ct);
        return row.ToDto();
    }

    public async ValueTask<AutomationRuleDto> Handle(UpdateAutomationRule command, CancellationToken ct)
    {
        await CheckTargetAsync(command.Rule, ct);
        var row = Apply(await rules.LoadAsync(command.RuleId, command.ExpectedVersion, ct), command.Rule);
        await db.ExecuteAsync(Sql.Update, Parameters(row), ct);
        row.Version++;
        return row.ToDto();
    }

    public async ValueTask<Unit> Handle(DeleteAutomationRule command, CancellationToken ct)
    {
        await stages.LockAsync(ct);
        await rules.LoadAsync(command.RuleId, command.ExpectedVersion, ct);
        await db.ExecuteAsync(Sql.Delete, new { caller.TenantId, Id = command.RuleId }, ct);
        return Unit.Value;
    }

    public async ValueTask<ListOf<AutomationRuleDto>> Handle(ReorderAutomationRules command, CancellationToken ct)
    {
        await stages.LockAsync(ct);
        var all = await rules.AllAsync(ct);
        var expected = all.Select(r => r.Id).ToHashSet();
        if (command.RuleIds.Count != expected.Count || !expected.SetEquals(command.RuleIds))
            throw new RuleViolationException(new RuleViolation("order-mismatch", "The order must list every automation rule exactly once.", ViolationKind.Unprocessable));
        var now = stages.Now;
        var byId = all.ToDictionary(r => r.Id);
        var ordered = command.RuleIds.Select((id, i) => (Row: byId[id], Sequence: i + 1)).ToList();
        var moved = ordered.Where(x => x.Row.Sequence != x.Sequence).ToList();
        await db.ExecuteAsync(Sql.SetSequence, moved.Select(x => new { caller.TenantId, x.Row.Id, x.Sequence, Now = now }), ct);
        foreach (var (row, sequence) in moved) (row.Sequence, row.Version) = (sequence, row.Version + 1);
        return new ListOf<AutomationRuleDto>(ordered.Select(x => x.Row.ToDto()).ToList());
    }

    private async Task CheckTargetAsync(AutomationRuleBody rule, CancellationToken ct)
    {
        await stages.LockAsync(ct);
        var target = StageStore.Named(await stages.AllAsync(ct), rule.TargetStageId!.Value);
        AutomationPolicy.CheckTarget(target.Facts, rule.TeamId).ThrowIfBroken();
    }

    private static AutomationRuleRow Apply(AutomationRuleRow row, AutomationRuleBody body)
    {
        row.EventType = body.EventType;
        row.TargetStageId = body.TargetStageId!.Value;
        row.TeamId = body.TeamId;
        row.ForwardOnly = body.ForwardOnly;
        row.Enabled = body.Enabled;
        return row;
    }

    private object Parameters(AutomationRuleRow row) => new
    {
        caller.TenantId, row.Id, row.EventType, row.TargetStageId, row.TeamId, row.ForwardOnly, row.Enabled, row.Sequence, Now = stages.Now,
    };

    internal static class Sql
    {
        public const string Insert = """
            INSERT INTO AutomationRules (TenantId, EventType, TargetStageId, TeamId, ForwardOnly, Enabled, Sequence, Version, CreatedAtMs, UpdatedAtMs)
            VALUES (@TenantId, @EventType, @TargetStageId, @TeamId, @ForwardOnly, @Enabled, @Sequence, 1, @Now, @Now);
            """;

        public const string Update = """
            UPDATE AutomationRules
            SET EventType = @EventType, TargetStageId = @TargetStageId, TeamId = @TeamId, ForwardOnly = @ForwardOnly,
                Enabled = @Enabled, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;

        public const string SetSequence = """
            UPDATE AutomationRules SET Sequence = @Sequence, Version = Version + 1, UpdatedAtMs = @Now
            WHERE TenantId = @TenantId AND Id = @Id
            """;

        public const string Delete = "DELETE FROM AutomationRules WHERE TenantId = @TenantId AND Id = @Id";
    }
}
