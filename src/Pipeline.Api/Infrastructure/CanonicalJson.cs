using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Pipeline.Api.Infrastructure;

/// <summary>
/// One text per JSON value, whatever its sender's serialiser did (the ideas of RFC 8785): object members sorted by
/// name (ordinal), no insignificant white space, numbers in their shortest form (<c>100.0</c> and <c>1e2</c> are <c>100</c>).
/// </summary>
public static class CanonicalJson
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public static string Of(object value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
            Write(writer, JsonSerializer.SerializeToElement(value, Web));
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in element.EnumerateObject().OrderBy(m => m.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(member.Name);
                    Write(writer, member.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray()) Write(writer, item);
                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                writer.WriteRawValue(element.TryGetDecimal(out var exact)
                    // Dividing by 1.000… drops the trailing zeros a decimal keeps from its text.
                    ? (exact / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture)
                    : element.GetDouble().ToString("R", CultureInfo.InvariantCulture));
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
