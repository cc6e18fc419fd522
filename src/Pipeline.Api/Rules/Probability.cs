namespace Pipeline.Api.Rules;

/// <summary>Probabilities are percentages with two decimals (80.00 %).</summary>
public static class Probability
{
    public const decimal Min = 0m;
    public const decimal Max = 100m;

    public static bool IsValid(decimal value) => value is >= Min and <= Max && decimal.Round(value, 2) == value;
}

/// <summary>
/// Amounts of money have two decimals. The cap keeps any realistic sum of them (millions of opportunities at the
/// cap) inside 64-bit integers of cents, where the database adds them.
/// </summary>
public static class Money
{
    public const decimal Max = 10_000_000_000m;

    public static bool IsValid(decimal value) => value is >= 0m and <= Max && decimal.Round(value, 2) == value;
}
