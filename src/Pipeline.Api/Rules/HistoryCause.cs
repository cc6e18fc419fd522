namespace Pipeline.Api.Rules;

/// <summary>Rule 11: why an opportunity's stage changed.</summary>
public enum HistoryCause { Created, Moved, Won, Lost, Reopened, Automation, StageDeleted }

/// <summary>Enum values as stored and served: snake_case words (<c>stage_deleted</c>).</summary>
public static class EnumText
{
    public static string Of<T>(T value) where T : struct, Enum => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    public static T Parse<T>(string text) where T : struct, Enum => Enum.Parse<T>(text.Replace("_", ""), ignoreCase: true);
}
