using System.Text.Json;
using Pipeline.Api.Data;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Changes;

/// <summary>
/// The tenant's changes in sequence order. The counter is read first, then the changes up to it: every change at or
/// below a committed counter value is itself committed (a writer takes its sequences and writes its changes in one
/// transaction, holding the counter's row until commit), so a page never skips one that commits later.
/// </summary>
public sealed class ChangeFeed(Reads reads, Caller caller, ChangeSignal signal, TimeProvider clock)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;
    public const int MaxWaitSeconds = 30;

    /// <summary>Other instances' commits ring no bell here: a waiting reader looks again this often.</summary>
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    public async Task<ChangePage> ReadAsync(long? after, int? limit, string? types, int? wait, CancellationToken ct)
    {
        var from = after switch
        {
            null => 0,
            < 0 => throw new BadRequestException("after", "after must be a sequence the feed returned (0 or more)."),
            { } n => n,
        };
        var size = limit switch
        {
            null => DefaultLimit,
            < 1 or > MaxLimit => throw new BadRequestException("limit", $"limit must be between 1 and {MaxLimit}."),
            { } n => n,
        };
        var seconds = wait switch
        {
            null => 0,
            < 0 or > MaxWaitSeconds => throw new BadRequestException("wait", $"wait must be between 0 and {MaxWaitSeconds} seconds."),
            { } n => n,
        };
        var wanted = ParseTypes(types);
        var deadline = clock.GetUtcNow().AddSeconds(seconds);
        while (true)
        {
            var rang = signal.Next;
            var page = await PageAsync(from, size, wanted, ct);
            var left = deadline - clock.GetUtcNow();
            if (page.Items.Count > 0 || left <= TimeSpan.Zero) return page;
            from = page.LastSequence;
            try
            {
                await rang.WaitAsync(left < Poll ? left : Poll, clock, ct);
            }
            catch (TimeoutException)
            {
                // Look again: another instance may have committed.
            }
        }
    }

    private static IReadOnlyList<string>? ParseTypes(string? types)
    {
        if (types is null) return null;
        var list = types.Split(',', StringSplitOptions.TrimEntries).Distinct().ToList();
        var unknown = list.Where(t => !ChangeTypes.IsKnown(t)).ToList();
        if (unknown.Count > 0)
            throw new BadRequestException("types",
                $"types must be change types separated by commas; unknown: {string.Join(", ", unknown.Select(t => $"'{t}'"))}. "
                + $"Known: {string.Join(", ", ChangeTypes.All)}.");
        return list;
    }

    private async Task<ChangePage> PageAsync(long after, int limit, IReadOnlyList<string>? types, CancellationToken ct)
    {
        var committed = await reads.SingleOrDefaultAsync<long?>(Sql.Committed, new { caller.TenantId }, ct) ?? 0;
        if (committed <= after) return new ChangePage([], after);
        var rows = await reads.QueryAsync<Row>(Sql.Page(reads.Dialect), new
        {
            caller.TenantId, After = after, Committed = committed, Limit = limit,
            AllTypes = types is null, Types = JsonSerializer.Serialize((types ?? []).Select(t => new { Type = t })),
        }, ct);
        // A full page ends at its last item; a shorter one has read everything committed (of any type) up to the counter.
        return new ChangePage(rows.Select(r => r.ToDto()).ToList(), rows.Count == limit ? rows[^1].Sequence : committed);
    }

    internal sealed class Row
    {
        public long Sequence { get; init; }
        public string ChangeId { get; init; } = "";
        public string Type { get; init; } = "";
        public long OccurredAtMs { get; init; }
        public string Data { get; init; } = "";

        public ChangeDto ToDto() => new(
            ChangeId, Sequence, Type, DateTimeOffset.FromUnixTimeMilliseconds(OccurredAtMs), JsonDocument.Parse(Data).RootElement.Clone());
    }

    private static class Sql
    {
        public const string Committed = "SELECT LastSequence FROM ChangeSequences WHERE TenantId = @TenantId";

        public static string Page(ISqlDialect d) => $"""
            SELECT Sequence, ChangeId, Type, OccurredAtMs, Data
            FROM Changes
            WHERE TenantId = @TenantId AND Sequence > @After AND Sequence <= @Committed
              AND (@AllTypes = 1 OR Type IN (SELECT t.Type FROM {d.JsonRows("@Types", JsonColumn.Text("Type"))} t))
            ORDER BY Sequence
            {d.LimitClause}
            """;
    }
}
