using Dapper;
using Microsoft.Data.Sqlite;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Reports;
using Pipeline.Api.Stages;

namespace Pipeline.Api.Bare;

/// <summary>
/// What the service would cost with nothing but its SQL: the same statements (taken from the service's own
/// constants) on the same database file, behind plain endpoints. The tenant is a query parameter.
/// </summary>
public static class BareProgram
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var connectionString = new SqliteConnectionStringBuilder(builder.Configuration.GetConnectionString("Pipeline")) { Pooling = true }
            .ToString();
        var app = builder.Build();
        SqliteConnection Open() => new(connectionString);
        var dialect = new Data.Sqlite.SqliteDialect(connectionString);
        static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Requests still running, for the driver: wrk stops sending when its time is up, but writers sleeping in
        // SQLite's busy handler go on for a second and more, and would compete with the next run for the file.
        var running = 0;
        app.Use(async (context, next) =>
        {
            Interlocked.Increment(ref running);
            try
            {
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref running);
            }
        });
        app.MapGet("/running", () => Volatile.Read(ref running) - 1);

        app.MapGet("/stages", async (string tenant) =>
        {
            await using var db = Open();
            return Results.Ok(await db.QueryAsync<StageRow>(StageSql.All, new { TenantId = tenant }));
        });

        // The board's statements, as BoardQueries sends them on a miss of its totals (stages, sequence, totals, cards).
        app.MapGet("/pipeline", async (string tenant) =>
        {
            await using var db = Open();
            var parameters = new { TenantId = tenant, TeamId = (long?)null, Limit = 21 };
            var stages = (await db.QueryAsync<StageRow>(StageSql.All, parameters)).ToList();
            var sequence = await db.ExecuteScalarAsync<long?>(BoardQueries.Sql.Sequence, parameters);
            var totals = await db.QueryAsync<StageTotalsRow>(BoardQueries.Sql.Totals, parameters);
            var cards = await db.QueryAsync(BoardQueries.Sql.FirstCards(dialect, stages.Where(s => !s.Folded).Select(s => s.Id)), parameters);
            return Results.Ok(new { stages, sequence, totals, cards });
        });

        // What a board that loads every card would read.
        app.MapGet("/cards", async (string tenant) =>
        {
            await using var db = Open();
            return Results.Ok(await db.QueryAsync(
                $"SELECT {BoardQueries.Sql.Columns} FROM Opportunities WHERE TenantId = @TenantId AND Active = 1 ORDER BY StageId, Id",
                new { TenantId = tenant }));
        });

        // A move: the opportunity's UPDATE and its history INSERT, in one write transaction.
        app.MapPost("/opportunities/{id:long}/move", async (long id, string tenant, MoveOpportunityBody body) =>
        {
            await using var db = Open();
            await db.OpenAsync();
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
            var row = await db.QuerySingleAsync<OpportunityRow>(OpportunitySql.Load, new { TenantId = tenant, Id = id }, tx);
            var from = row.StageId;
            var now = Now();
            await db.ExecuteAsync(OpportunitySql.Update, new
            {
                TenantId = tenant, row.Id, row.Name, row.TeamId, StageId = body.StageId, row.ProbabilityBp, row.ProbabilitySource,
                row.ExpectedRevenueCents, row.Active, row.Outcome, row.LostReason, StageChangedAtMs = now, row.ExternalRef, row.Version,
                UpdatedAtMs = now,
            }, tx);
            await db.ExecuteAsync(OpportunitySql.RecordHistory, new
            {
                TenantId = tenant, OpportunityId = id, Now = now, Cause = "moved", FromStageId = from, FromStageName = "", ToStageId = body.StageId,
                ToStageName = "", ProbabilityBeforeBp = row.ProbabilityBp, ProbabilityAfterBp = row.ProbabilityBp, RuleId = (long?)null,
                EventId = (string?)null, Actor = "bare",
            }, tx);
            await tx.CommitAsync();
            return Results.Ok();
        });

        // A stage's probability: the same set-based UPDATE; with rowByRow, one UPDATE per opportunity (the naive way).
        app.MapPut("/stages/{id:long}/probability", async (long id, string tenant, int bp, bool? rowByRow) =>
        {
            await using var db = Open();
            await db.OpenAsync();
            await using var tx = (SqliteTransaction)await db.BeginTransactionAsync();
            var now = Now();
            await db.ExecuteAsync("UPDATE Stages SET ProbabilityBp = @Bp, Version = Version + 1, UpdatedAtMs = @Now WHERE TenantId = @T AND Id = @Id",
                new { Bp = bp, Now = now, T = tenant, Id = id }, tx);
            int reassigned;
            if (rowByRow == true)
            {
                var ids = (await db.QueryAsync<long>(
                    "SELECT Id FROM Opportunities WHERE TenantId = @T AND StageId = @Id AND Outcome = 'open' AND ProbabilitySource = 'stage'",
                    new { T = tenant, Id = id }, tx)).ToList();
                foreach (var opportunity in ids)
                    await db.ExecuteAsync("UPDATE Opportunities SET ProbabilityBp = @Bp, Version = Version + 1, UpdatedAtMs = @Now WHERE Id = @O",
                        new { Bp = bp, Now = now, O = opportunity }, tx);
                reassigned = ids.Count;
            }
            else
            {
                reassigned = await db.ExecuteAsync(StageSql.Reassign, new { TenantId = tenant, StageId = id, ProbabilityBp = bp, Now = now }, tx);
            }
            await tx.CommitAsync();
            return Results.Ok(new { reassigned });
        });

        app.Run();
    }
}
