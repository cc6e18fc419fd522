using System.Buffers.Text;

namespace Pipeline.Api.Infrastructure;

/// <summary>A page of a collection; <c>nextCursor</c> is null on the last page.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>A plain collection (small and bounded by nature).</summary>
public sealed record ListOf<T>(IReadOnlyList<T> Items);

/// <summary>Keyset paging on ids, with an opaque cursor and a bounded page size.</summary>
public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 100;

    public static int Limit(int? requested) => requested switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => throw new BadRequestException("limit", $"limit must be between 1 and {MaxLimit}."),
        { } n => n,
    };

    /// <summary>The id after which the page starts (0 for the first page).</summary>
    public static long After(string? cursor) =>
        string.IsNullOrEmpty(cursor) ? 0
        : long.TryParse(Decode(cursor), out var id) && id > 0 ? id
        : throw InvalidCursor();

    /// <summary>A composite keyset position (e.g. a time and an id), encoded in one opaque cursor.</summary>
    public static (long First, long Second)? AfterPair(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        return Decode(cursor)?.Split('.') is [var a, var b] && long.TryParse(a, out var first) && long.TryParse(b, out var second)
            ? (first, second)
            : throw InvalidCursor();
    }

    private static string? Decode(string cursor)
    {
        try
        {
            var bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
            return Base64Url.TryDecodeFromChars(cursor, bytes, out var written)
                ? System.Text.Encoding.ASCII.GetString(bytes, 0, written)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static BadRequestException InvalidCursor() =>
        new("cursor", "cursor is not one this service issued; pass back nextCursor unchanged.");

    public static Page<T> OfPair<T>(IReadOnlyList<T> rowsPlusOne, int limit, Func<T, (long, long)> key) =>
        rowsPlusOne.Count > limit
            ? new Page<T>(rowsPlusOne.Take(limit).ToList(), Encode(Position(key(rowsPlusOne[limit - 1]))))
            : new Page<T>(rowsPlusOne, null);

    private static string Encode(string position) => Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes(position));

    private static string Position((long First, long Second) key) => $"{key.First}.{key.Second}";

    /// <summary>Cuts the one extra row fetched to know whether another page follows.</summary>
    public static Page<T> Of<T>(IReadOnlyList<T> rowsPlusOne, int limit, Func<T, long> id) =>
        rowsPlusOne.Count > limit
            ? new Page<T>(rowsPlusOne.Take(limit).ToList(), Encode(id(rowsPlusOne[limit - 1]).ToString()))
            : new Page<T>(rowsPlusOne, null);
}
