namespace Pipeline.Api.Tests.Data;

/// <summary>
/// Instances started at the same instant on a fresh database both migrate it: one waits for the other's lock
/// (an exclusive file lock on SQLite, pg_advisory_lock on PostgreSQL) and then finds nothing left to do.
/// </summary>
/// <remarks>Seen failing without the SQLite file lock: the very first round ended in an exception.</remarks>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.PostgreSql)]
public sealed class MigrationRaceTests(DatabaseProvider provider)
{
    [Test]
    public async Task TwoInstancesMigratingAFreshDatabaseAtOnce_BothSucceed_TwentyTimesOutOfTwenty()
    {
        PipelineApps.RequireEngine(provider);
        for (var round = 0; round < 20; round++)
        {
            var connectionString = PipelineApps.NewDatabase(provider);
            using var start = new Barrier(2);
            var instances = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            {
                var dialect = new DatabaseOptions(provider, connectionString).Dialect();
                start.SignalAndWait();
                dialect.Migrate();
                (dialect as IDisposable)?.Dispose();
            }));

            Assert.DoesNotThrowAsync(() => Task.WhenAll(instances), $"round {round}");
        }
    }
}
