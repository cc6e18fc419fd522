using System.Collections;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Api.Infrastructure;

/// <summary>
/// Why a request could not be read, in the API's vocabulary: the JSON path of the member and what was expected
/// (<c>probability: expected a number</c>). The framework's own messages name .NET types and give .NET advice;
/// none of that reaches a caller.
/// </summary>
public static partial class BadRequests
{
    /// <summary>A body the JSON reader refused, explained against the type the endpoint reads it into.</summary>
    public static (string Field, string Message) Explain(JsonException e, Type? body)
    {
        var path = Segments(e.Path);
        var field = Field(path);
        if (e.GetType().Name == "JsonReaderException")
            return (field, $"is not valid JSON: {ReaderMessage().Replace(e.Message, "").Trim()}");
        if (UnknownMember().Match(e.Message) is { Success: true } unknown)
            return (Field(Child(path, unknown.Groups[1].Value)), "is not a member of this request (unknown members are refused)");
        if (MissingRequired().Match(e.Message) is { Success: true } missing)
            return (Field(Child(path, Quoted().Matches(missing.Groups[1].Value)[0].Groups[1].Value)), "is required");
        if (NullNotAllowed().Match(e.Message) is { Success: true } nulled)
            return (Field(Child(path, nulled.Groups[1].Value)), "must not be null");
        return (field, TypeAt(body, path) is { } type ? $"expected {Expected(type)}" : "has the wrong type");
    }

    /// <summary>A route, query or header value that could not be bound: <c>Failed to bind parameter "long? teamId" from "x"</c>.</summary>
    public static (string Field, string Message) Explain(BadHttpRequestException e) =>
        BindFailure().Match(e.Message) is { Success: true } bind
            ? (bind.Groups["name"].Value, $"expected {ExpectedOf(bind.Groups["type"].Value)}")
            : RequiredParameter().Match(e.Message) is { Success: true } required
                ? (required.Groups["name"].Value, "is required")
                : ("body", "The request could not be read; send a JSON object as the body, with Content-Type: application/json.");

    public static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Optional<>)) return Expected(type.GetGenericArguments()[0]);
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(decimal) || type == typeof(double)) return "a number";
        if (type == typeof(long) || type == typeof(int) || type == typeof(short)) return "an integer";
        if (type == typeof(DateTimeOffset)) return "a date-time with its offset, e.g. 2026-11-29T09:30:00Z";
        if (type == typeof(JsonElement)) return "a JSON object";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type).Select(EnumWord));
        if (ElementType(type) is { } element) return $"an array of {Plural(Expected(element))}";
        return "a JSON object";
    }

    private static string EnumWord(string name) => $"\"{JsonNamingPolicy.SnakeCaseLower.ConvertName(name)}\"";

    private static string ExpectedOf(string clrType) =>
        clrType.Contains("long", StringComparison.Ordinal) || clrType.Contains("int", StringComparison.OrdinalIgnoreCase) ? "an integer"
        : clrType.Contains("bool", StringComparison.Ordinal) ? "true or false"
        : clrType.Contains("DateTimeOffset", StringComparison.Ordinal) ? "a date-time with its offset, e.g. 2026-11-29T09:30:00Z"
        : clrType.Contains("decimal", StringComparison.Ordinal) ? "a number"
        : "a valid value";

    private static string Plural(string expected) =>
        expected.StartsWith("an ", StringComparison.Ordinal) ? expected[3..] + "s"
        : expected.StartsWith("a ", StringComparison.Ordinal) ? expected[2..] + "s"
        : expected;

    private static Type? ElementType(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) ? null
        : type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
            ?.GetGenericArguments()[0];

    /// <summary>The type the body's member at this path is read into; null when the path leaves the known shape.</summary>
    private static Type? TypeAt(Type? type, IReadOnlyList<string> path)
    {
        foreach (var segment in path)
        {
            if (type is null) return null;
            type = Nullable.GetUnderlyingType(type) ?? type;
            type = segment.StartsWith('[')
                ? ElementType(type)
                : type.GetProperties().FirstOrDefault(p => p.Name.Equals(segment, StringComparison.OrdinalIgnoreCase))?.PropertyType;
        }
        return type;
    }

    private static List<string> Segments(string? path) =>
        string.IsNullOrEmpty(path)
            ? []
            : PathSegment().Matches(path).Select(m => m.Value.TrimStart('.')).Where(s => s is not "$" and not "").ToList();

    /// <summary>The member's path: the reader's path ends at it already, or at the object that should have held it.</summary>
    private static List<string> Child(List<string> path, string member) =>
        path.Count > 0 && string.Equals(path[^1], member, StringComparison.OrdinalIgnoreCase) ? path : [.. path, member];

    private static string Field(IReadOnlyList<string> path)
    {
        if (path.Count == 0) return "body";
        var field = string.Concat(path.Select((s, i) => s.StartsWith('[') ? s : (i == 0 ? "" : ".") + Camel(s)));
        return field;
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    [GeneratedRegex(@"\$|\.[^.\[]+|\[[^\]]*\]")]
    private static partial Regex PathSegment();

    [GeneratedRegex(@"\s*(Path:|LineNumber:).*$", RegexOptions.Singleline)]
    private static partial Regex ReaderMessage();

    [GeneratedRegex(@"The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnknownMember();

    [GeneratedRegex(@"missing required properties including: (.+)\.?$")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"'([^']+)'")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"(?:constructor parameter|property or field) '([^']+)'.*doesn't allow (?:setting |getting )?null values")]
    private static partial Regex NullNotAllowed();

    [GeneratedRegex("""Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from""")]
    private static partial Regex BindFailure();

    [GeneratedRegex("""Required parameter "(?<type>.+) (?<name>[^ "]+)" was not provided""")]
    private static partial Regex RequiredParameter();
}
