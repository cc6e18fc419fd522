namespace Pipeline.Api.Rules;

/// <summary>
/// Probabilities are percentages with two decimals; storage keeps them as whole hundredths of a percent
/// (80.00 % = 8000) so that both engines hold them exactly.
/// </summary>
public static class Probability
{
    public const decimal Min = 0m;
    public const decimal Max = 100m;

    public static bool IsValid(decimal value) => value is >= Min and <= Max && decimal.Round(value, 2) == value;

    public static int ToHundredths(decimal value) => (int)(value * 100m);

    public static decimal FromHundredths(int hundredths) => hundredths / 100m;
}

/// <summary>
/// Amounts of money are stored as whole cents (exact in both engines). The cap keeps any realistic sum of them
/// (millions of opportunities at the cap) inside 64-bit integers, where the database adds them.
/// </summary>
public static class Money
{
    public const decimal Max = 10_000_000_000m;

    public static bool IsValid(decimal value) => value is >= 0m and <= Max && decimal.Round(value, 2) == value;

    public static long ToCents(decimal value) => (long)(value * 100m);

    public static decimal FromCents(long cents) => cents / 100m;
}
