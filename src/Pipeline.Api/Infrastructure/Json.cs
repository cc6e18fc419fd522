using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Api.Infrastructure;

/// <summary>Strict JSON: unknown members, nulls for non-nullable members, numbers in strings and enum numbers are refused.
/// Enum values are snake_case words, the same text the database stores.</summary>
public static partial class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new InstantConverter());
    }

    /// <summary>A date-time without an offset names no instant (it would be read in the server's zone): refused.</summary>
    public static bool HasOffset(string text) => OffsetAtEnd().IsMatch(text);

    [System.Text.RegularExpressions.GeneratedRegex(@"T.*(Z|z|[+-]\d{2}:?\d{2})$")]
    private static partial System.Text.RegularExpressions.Regex OffsetAtEnd();

    private sealed class InstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { } text && HasOffset(text)
            && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value)
                ? value
                : throw new JsonException("A date-time needs its offset.");

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value);
    }
}
