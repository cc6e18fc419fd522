namespace Pipeline.Api.Data;

/// <summary>
/// Declares that a command changes the tenant's stage configuration (stages, their order and team, automation
/// rules). The transaction behaviour takes the tenant's stage lock exclusively before the handler runs, so such
/// commands run one at a time per tenant and every check they make against all stages holds until commit.
/// </summary>
public interface IChangesStages;

/// <summary>
/// Declares that a command decides from stage facts (pipeline, probability, closing stage) and then writes
/// opportunities. The transaction behaviour takes the tenant's stage lock in shared mode: such commands run side
/// by side, but never interleave with an <see cref="IChangesStages"/> command, so the facts they read stay true
/// until they commit (rules 2, 3, 5, 7 and 8 at read committed).
/// </summary>
public interface IReadsStages;

/// <summary>The lock is the tenant's row: an UPDATE takes it exclusively on every engine; shared mode is per dialect.</summary>
public static class StageLock
{
    public const string Exclusive = "UPDATE Tenants SET StagesRevision = StagesRevision + 1 WHERE Id = @TenantId";

    /// <summary>The statement a command's declaration asks for, or null when it declares none.</summary>
    public static string? For(object command, ISqlDialect dialect) => command switch
    {
        IChangesStages => Exclusive,
        IReadsStages => dialect.LockStagesShared,
        _ => null,
    };
}
