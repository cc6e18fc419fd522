namespace Pipeline.Api.Rules;

/// <summary>How a broken rule surfaces: 409 when the state forbids it now, 422 when the request can never apply.</summary>
public enum ViolationKind { Conflict, Unprocessable }

/// <summary>A broken business rule: a stable code (the problem <c>type</c>), a message for people, optional data.</summary>
public sealed record RuleViolation(
    string Code,
    string Message,
    ViolationKind Kind,
    IReadOnlyDictionary<string, object?>? Data = null)
{
    /// <summary>Problem types are this base plus the code; clients switch on them.</summary>
    public const string TypeBase = "https://docs.openfire.fr/pipeline/problems/";

    public string Type => TypeBase + Code;
}

public sealed class RuleViolationException(RuleViolation violation) : Exception(violation.Message)
{
    public RuleViolation Violation { get; } = violation;
}

/// <summary>The two ways a handler meets a rule: a check that may be broken, or a lookup that must find something.</summary>
public static class RuleViolationExtensions
{
    public static void ThrowIfBroken(this RuleViolation? violation)
    {
        if (violation is not null) throw new RuleViolationException(violation);
    }

    /// <summary>The value, or the rule's violation when there is none (e.g. a stage id that names no stage).</summary>
    public static T OrBroken<T>(this T? value, Func<RuleViolation> violation) where T : class =>
        value ?? throw new RuleViolationException(violation());
}
