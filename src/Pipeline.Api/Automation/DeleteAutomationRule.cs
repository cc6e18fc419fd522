using Mediator;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Automation;

/// <summary>Removes a rule; the stage it targeted can then be deleted.</summary>
public sealed record DeleteAutomationRule(long RuleId, long? ExpectedVersion) : ICommand<Unit>, IChangesStages, IDocumented
{
    public static EndpointDoc Doc { get; } = new("Delete an automation rule") { Problems = [404, 412] };
}

public sealed class DeleteAutomationRuleHandler(
    AutomationRuleStore rules, DbSession db, Caller caller) : ICommandHandler<DeleteAutomationRule, Unit>
{
    public async ValueTask<Unit> Handle(DeleteAutomationRule command, CancellationToken ct)
    {
        await rules.LoadAsync(command.RuleId, command.ExpectedVersion, ct);
        await db.ExecuteAsync(Sql.Delete, new { caller.TenantId, Id = command.RuleId }, ct);
        return Unit.Value;
    }

    private static class Sql
    {
        public const string Delete = "DELETE FROM AutomationRules WHERE TenantId = @TenantId AND Id = @Id";
    }
}
