namespace Pipeline.Api.Rules;

/// <summary>Stale ("rotting") opportunities, as Odoo 19 and Pipedrive mark them.</summary>
public static class Rotting
{
    public const int MaxDays = 3650;

    public const long DayMs = 86_400_000;

    /// <summary>An opportunity is stale when it sat in a stage with rotting days longer than that (closed ones never rot).</summary>
    public static bool IsStale(long stageChangedAtMs, int rottingDays, bool isClosing, long nowMs) =>
        rottingDays > 0 && !isClosing && stageChangedAtMs < nowMs - rottingDays * DayMs;
}
