namespace Pipeline.Api.Rules;

/// <summary>An external reference (the calling module's own id) names one opportunity per tenant.</summary>
public static class ExternalRefs
{
    /// <param name="reference">The reference asked for.</param>
    /// <param name="holder">The opportunity that already has it, if any.</param>
    public static RuleViolation? CheckFree(string reference, long? holder) =>
        holder is { } existing
            ? new RuleViolation("duplicate-external-ref", $"Opportunity {existing} already has externalRef '{reference}'.",
                ViolationKind.Conflict, new Dictionary<string, object?> { ["opportunityId"] = existing })
            : null;
}
