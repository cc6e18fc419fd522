using System.Data.Common;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Pipeline.Api.Changes;
using Pipeline.Api.Opportunities;

namespace Pipeline.Api.Tests.Api;

/// <summary>
/// The connection drops right after COMMIT reached the server: the change is saved, the service cannot know it.
/// A command that can find its first answer (an Idempotency-Key, an event id) runs again and answers it; any other
/// answers 503 rather than apply twice.
/// </summary>
[TestFixture(DatabaseProvider.Sqlite)]
[TestFixture(DatabaseProvider.PostgreSql)]
public sealed class CommitFailureTests(DatabaseProvider provider)
{
    private PipelineApp _app = null!;
    private DroppingCommits _dialect = null!;
    private TenantClient _api = null!;

    [OneTimeSetUp]
    public void StartApp()
    {
        PipelineApps.RequireEngine(provider);
        var connectionString = PipelineApps.NewDatabase(provider);
        _dialect = new DroppingCommits(new DatabaseOptions(provider, connectionString).Dialect());
        _app = new PipelineApp(provider, connectionString, services: s => s.AddSingleton<ISqlDialect>(_dialect));
        _app.StartServer();
    }

    [OneTimeTearDown]
    public async Task StopApp()
    {
        await _app.DisposeAsync();
        _dialect.Dispose();
    }

    [SetUp]
    public async Task NewTenant()
    {
        _api = new TenantClient(_app.ClientFor($"t-{Guid.NewGuid():N}"));
        await _api.StagesAsync();
    }

    [Test]
    public async Task ACreateWithAnIdempotencyKey_WhoseCommitAnswerIsLost_IsAppliedOnce_AndAnswersTheSameOnRetry()
    {
        _dialect.DropNextCommits(1);
        var first = await CreateAsync("Ravalement façade", "ravalement-1");
        var retry = await CreateAsync("Ravalement façade", "ravalement-1");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.Created), await first.Content.ReadAsStringAsync());
        Assert.That(_dialect.Dropped, Is.EqualTo(1), "the commit answer was lost once");
        Assert.That(await retry.Content.ReadAsStringAsync(), Is.EqualTo(await first.Content.ReadAsStringAsync()));
        Assert.That((retry.StatusCode, retry.Headers.Location, retry.Headers.ETag), Is.EqualTo((first.StatusCode, first.Headers.Location, first.Headers.ETag)));
        Assert.That(await CountAsync("Ravalement façade"), Is.EqualTo(1));
    }

    [Test]
    public async Task ACreateWithoutKey_WhoseCommitAnswerIsLost_Answers503_AndIsNotAppliedTwice()
    {
        _dialect.DropNextCommits(1);
        var response = await CreateAsync("Isolation combles", key: null);

        await ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "commit-outcome-unknown");
        Assert.That(await CountAsync("Isolation combles"), Is.EqualTo(1), "committed once, never re-run");
    }

    [Test]
    public async Task AnEventWhoseCommitAnswerIsLost_IsAnsweredFromTheInbox_AndMovesOnce()
    {
        var opportunity = await _api.CreateOpportunityAsync(new { name = "Toiture" });
        _dialect.DropNextCommits(1);

        var response = await _api.PostAsync("/api/v1/events", new
        {
            eventId = "devis-lost-commit", type = "quote.issued", opportunityId = opportunity.Id, occurredAt = "2026-11-29T09:30:00Z",
        });

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((await _api.HistoryAsync(opportunity.Id)).Count(h => h.Cause == Pipeline.Api.Rules.HistoryCause.Automation), Is.EqualTo(1));
    }

    [Test]
    public async Task AChangeIsNeverPublished_ForATransactionThatRolledBack()
    {
        var before = await ReadAsync<ChangePage>(await _api.GetAsync("/api/v1/changes?limit=500"));
        _dialect.RollBackNextCommit();
        var refused = await CreateAsync("Extension garage", key: null);
        var created = await _api.CreateOpportunityAsync(new { name = "Véranda" });

        await ProblemAsync(refused, HttpStatusCode.ServiceUnavailable, "commit-outcome-unknown");
        var after = await ReadAsync<ChangePage>(await _api.GetAsync($"/api/v1/changes?after={before.LastSequence}"));
        Assert.That(after.Items.Select(c => (c.Sequence, c.Type, c.Data.GetProperty("opportunityId").GetInt64())),
            Is.EqualTo(new[] { (before.LastSequence + 1, "opportunity.created", created.Id) }),
            "the rolled-back creation took no sequence and published nothing; the next commit follows without a gap");
        Assert.That(await CountAsync("Extension garage"), Is.Zero);
    }

    private Task<HttpResponseMessage> CreateAsync(string name, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/opportunities") { Content = JsonContent.Create(new { name }) };
        if (key is not null) request.Headers.Add("Idempotency-Key", key);
        return _api.Http.SendAsync(request);
    }

    private async Task<int> CountAsync(string name) =>
        (await ReadAsync<Page<OpportunityDto>>(await _api.GetAsync("/api/v1/opportunities?limit=100"))).Items.Count(o => o.Name == name);

    /// <summary>The real dialect, whose next commits succeed and then report the connection lost, as a dropped network would.</summary>
    private sealed class DroppingCommits(ISqlDialect inner) : ISqlDialect, IDisposable
    {
        public void Dispose() => (inner as IDisposable)?.Dispose();

        private int _toDrop;
        private int _toRollBack;

        public int Dropped { get; private set; }

        public void DropNextCommits(int count) => (_toDrop, Dropped) = (count, 0);

        /// <summary>The next commit rolls back instead, and reports the connection lost.</summary>
        public void RollBackNextCommit() => _toRollBack = 1;

        public async Task CommitAsync(DbTransaction transaction, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _toRollBack, 0) == 1)
            {
                await transaction.RollbackAsync(ct);
                throw Lost();
            }
            await inner.CommitAsync(transaction, ct);
            if (Interlocked.Decrement(ref _toDrop) < 0) return;
            Dropped++;
            throw Lost();
        }

        private Exception Lost() =>
            inner.Provider == DatabaseProvider.PostgreSql
                ? new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer"))
                : new SqliteException("database is locked", 5);

        public DatabaseProvider Provider => inner.Provider;
        public string SelectInsertedId => inner.SelectInsertedId;
        public string LimitClause => inner.LimitClause;
        public string? LockStagesShared => inner.LockStagesShared;
        public DbConnection CreateConnection() => inner.CreateConnection();
        public void Migrate() => inner.Migrate();
        public object? Bind(object? parameters) => inner.Bind(parameters);
        public string IdsIn(string jsonParameter) => inner.IdsIn(jsonParameter);
        public string JsonRows(string jsonParameter, params JsonColumn[] columns) => inner.JsonRows(jsonParameter, columns);
        public string TakeChangeSequences => inner.TakeChangeSequences;
        public string ClaimDueDeliveries => inner.ClaimDueDeliveries;
        public bool IsTransient(DbException exception) => inner.IsTransient(exception);
        public bool IsForeignKeyViolation(DbException exception) => inner.IsForeignKeyViolation(exception);
        public bool IsUniqueViolation(DbException exception) => inner.IsUniqueViolation(exception);
    }
}
