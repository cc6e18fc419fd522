using Microsoft.Net.Http.Headers;

namespace Pipeline.Api.Infrastructure;

/// <summary>Strong ETags carry the resource's integer <c>version</c>; writes honour If-Match.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    /// <summary>
    /// The version the caller's If-Match requires: null when absent or <c>*</c>. A well-formed tag that is not one of
    /// ours can match no version, so it yields -1 and the write answers 412; a header that is no entity tag at all
    /// is a 400.
    /// </summary>
    public static long? ExpectedVersion(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header)) return null;
        if (!EntityTagHeaderValue.TryParseList([header], out var tags) || tags.Count == 0)
            throw new BadRequestException("If-Match", "If-Match must be an entity tag as the ETag header gave it, e.g. \"3\", or *.");
        if (tags.Any(t => t.Equals(EntityTagHeaderValue.Any))) return null;
        var strong = tags.FirstOrDefault(t => !t.IsWeak);
        return strong is not null && long.TryParse(strong.Tag.AsSpan(1, strong.Tag.Length - 2), out var version) ? version : -1;
    }

    /// <summary>Throws 412 when the caller expected another version than the current one.</summary>
    public static void Check(long? expected, long current, string resource)
    {
        if (expected is { } v && v != current) throw new PreconditionFailedException(resource, current);
    }
}
