namespace Pipeline.Api.Rules;

/// <summary>
/// Identifiers callers send (tenant ids, event ids, external references, idempotency keys) are compared byte for
/// byte on every engine. SQL Server ignores trailing spaces in comparisons, so such a space, a leading one or a
/// control or format character would make two engines disagree: none is accepted.
/// </summary>
public static class Identifiers
{
    public static bool IsValid(string value)
    {
        if (value.Length == 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1])) return false;
        foreach (var c in value)
            if (IsInvisible(c)) return false;
        return true;
    }

    private static bool IsInvisible(char c) =>
        char.IsControl(c) || char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;
}

/// <summary>The same Idempotency-Key names one request.</summary>
public static class Idempotency
{
    public static RuleViolation? CheckSameRequest(string key, bool same) =>
        same
            ? null
            : new RuleViolation("idempotency-key-reused",
                $"Idempotency-Key '{key}' was already used with another request; a key names one request.", ViolationKind.Unprocessable);
}
