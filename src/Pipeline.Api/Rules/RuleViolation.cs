namespace Pipeline.Api.Rules;

/// <summary>How a broken rule surfaces: 409 when the state forbids it now, 422 when the request can never apply.</summary>
public enum ViolationKind { Conflict, Unprocessable }

/// <summary>A broken business rule: a stable code (the problem <c>type</c>), a message for people, optional data.</summary>
public sealed record RuleViolation(
    string Code,
    string Message,
    ViolationKind Kind,
    IReadOnlyDictionary<string, object?>? Data = null);

public sealed class RuleViolationException(RuleViolation violation) : Exception(violation.Message)
{
    public RuleViolation Violation { get; } = violation;
}

public static class RuleViolationExtensions
{
    public static void ThrowIfBroken(this RuleViolation? violation)
    {
        if (violation is not null) throw new RuleViolationException(violation);
    }
}
