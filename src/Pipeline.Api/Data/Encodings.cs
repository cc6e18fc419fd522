using System.Text.Json;

namespace Pipeline.Api.Data;

/// <summary>
/// Probabilities are stored as whole hundredths of a percent (80.00 % = 8000), so that every engine holds them
/// exactly.
/// </summary>
public static class Hundredths
{
    public static int Of(decimal percent) => (int)(percent * 100m);

    public static decimal ToPercent(int hundredths) => hundredths / 100m;
}

/// <summary>Amounts of money are stored as whole cents (exact on every engine).</summary>
public static class Cents
{
    public static long Of(decimal amount) => (long)(amount * 100m);

    public static decimal ToAmount(long cents) => cents / 100m;
}

/// <summary>Enum values as stored and served: snake_case words (<c>stage_deleted</c>).</summary>
public static class EnumText
{
    public static string Of<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", ""), ignoreCase: true);
}
