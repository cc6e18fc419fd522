using System.Buffers.Text;

namespace Pipeline.Api.Http;

/// <summary>A page of a collection; <c>nextCursor</c> is absent on the last page.</summary>
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
    public static long After(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return 0;
        var bytes = new byte[Base64Url.GetMaxDecodedLength(cursor.Length)];
        return Base64Url.TryDecodeFromChars(cursor, bytes, out var written)
               && long.TryParse(bytes.AsSpan(0, written), out var id) && id > 0
            ? id
            : throw new BadRequestException("cursor", "cursor is not one this service issued; pass back nextCursor unchanged.");
    }

    /// <summary>Cuts the one extra row fetched to know whether another page follows.</summary>
    public static Page<T> Of<T>(IReadOnlyList<T> rowsPlusOne, int limit, Func<T, long> id) =>
        rowsPlusOne.Count > limit
            ? new Page<T>(rowsPlusOne.Take(limit).ToList(), Base64Url.EncodeToString(System.Text.Encoding.ASCII.GetBytes(id(rowsPlusOne[limit - 1]).ToString())))
            : new Page<T>(rowsPlusOne, null);
}
