using Microsoft.AspNetCore.Http.HttpResults;
using Pipeline.Api.Infrastructure;

namespace Pipeline.Api.Changes;

/// <summary>The change feed (pipeline.read).</summary>
public static class ChangesApi
{
    private static readonly EndpointDoc FeedDoc = new(
        "Read the change feed",
        "Every committed change of the tenant, sequence ascending. Pass `lastSequence` back as `after`: a reader that has "
        + "seen sequence N never later finds an unseen change at or below N. Changes are kept `Changes:Retention` (30 days); "
        + "without `after` the feed starts at the oldest kept. With `wait`, an empty page is held until a change arrives.")
    {
        Problems = [400],
    };

    public static void MapChangesApi(this RouteGroupBuilder api) =>
        api.MapGroup("/changes").WithTags("Changes").MapGet("/", GetChanges).Describe(nameof(GetChanges), FeedDoc);

    /// <param name="after">The last sequence already read (exclusive); 0 or omitted for the oldest change kept.</param>
    /// <param name="limit">Changes per page, 1–500 (default 100).</param>
    /// <param name="types">Only these types, comma-separated (e.g. `opportunity.won,opportunity.lost`); omitted for all.</param>
    /// <param name="wait">Long poll: seconds (0–30) to wait for a first change when there is none yet; default 0.</param>
    /// <param name="feed">Read side.</param>
    /// <param name="ct">Request aborted.</param>
    public static async Task<Ok<ChangePage>> GetChanges(
        long? after, int? limit, string? types, int? wait, ChangeFeed feed, CancellationToken ct) =>
        TypedResults.Ok(await feed.ReadAsync(after, limit, types, wait, ct));
}
