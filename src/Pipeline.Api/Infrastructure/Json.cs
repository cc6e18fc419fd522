using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Api.Infrastructure;

/// <summary>Strict JSON: unknown members, nulls for non-nullable members, numbers in strings and enum numbers are refused.
/// Enum values are snake_case words, the same text the database stores.</summary>
public static class Json
{
    public static void Configure(JsonSerializerOptions options)
    {
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
    }
}
