using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Running;
using Mediator;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Infrastructure;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Reports;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Benchmarks;

public static class Entry
{
    /// <summary>dotnet run -c Release --project bench/Pipeline.Api.Benchmarks -- --filter '*'</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Entry).Assembly).Run(args);
}

/// <summary>The pure rules: a 500-opportunity bulk move checked, a move's probability decided.</summary>
[MemoryDiagnoser]
public class Rules
{
    private readonly long[] _ids = Enumerable.Range(1, BulkMoves.MaxOpportunities).Select(i => (long)i).ToArray();
    private readonly Dictionary<long, OpportunityFacts> _found = Enumerable.Range(1, BulkMoves.MaxOpportunities)
        .ToDictionary(i => (long)i, i => new OpportunityFacts(i % 3 == 0 ? null : 2, 1, 10, ProbabilitySource.Stage, Outcome.Open, true));
    private readonly StageFacts _devis = new(4, "Devis", 4, null, false, 80, true, false);

    [Benchmark]
    public RuleViolation? BulkMoveOf500() => BulkMoves.CheckAll(_ids, _found, _devis);

    [Benchmark]
    public ProbabilityState EnterAnAutomaticStage() => ProbabilityPolicy.OnEnter(new ProbabilityState(25, ProbabilitySource.Manual), _devis);
}

/// <summary>The board's answer (11 columns of 20 cards) written as the API writes it.</summary>
[MemoryDiagnoser]
public class BoardJson
{
    private readonly JsonSerializerOptions _options = new(JsonSerializerDefaults.Web);
    private Board _board = null!;

    [GlobalSetup]
    public void Setup()
    {
        Json.Configure(_options);
        var columns = Enumerable.Range(1, 11).Select(s => new BoardColumn(
            s, $"Colonne {s}", s, false, s == 11, 10 * (s % 10), 0, 9000, 1_234_567.89m, 123_456.79m, 3,
            Enumerable.Range(1, 20).Select(c => new BoardCard(s * 100 + c, $"Rénovation toiture {c}", null, 50, ProbabilitySource.Stage,
                18_450m, Outcome.Open, DateTimeOffset.UtcNow, null, false, 3)).ToList(), "MjA")).ToList();
        _board = new Board(null, columns, 99_000, 13_580_246.79m, 1_358_024.68m);
    }

    [Benchmark]
    public string Serialize() => JsonSerializer.Serialize(_board, _options);
}

/// <summary>
/// A command through the compile-time mediator and every behaviour (telemetry, the unit of work with its retry and
/// stage lock, idempotency, the outbox) on a SQLite file: an opportunity moved back and forth between two stages.
/// </summary>
[MemoryDiagnoser]
public class MediatorDispatch
{
    private WebApplicationFactory<Program> _app = null!;
    private long _opportunity;
    private long[] _stages = [];
    private int _n;

    [GlobalSetup]
    public async Task Setup()
    {
        var file = Path.Combine(Path.GetTempPath(), $"pipeline-bench-{Guid.NewGuid():N}.db");
        _app = new WebApplicationFactory<Program>().WithWebHostBuilder(b => b
            .UseSetting("ConnectionStrings:Pipeline", $"Data Source={file}")
            .UseSetting("Logging:LogLevel:Default", "Warning"));
        _ = _app.Services;
        await Send(new ProvisionTenant("bench"));
        var created = await Send(new CreateOpportunity(new CreateOpportunityBody("Toiture")));
        var stages = await Scoped(sp => sp.GetRequiredService<StageQueries>().ListAsync(null, default));
        (_opportunity, _stages) = (created.Id, [created.StageId, stages.First(s => s.Name == "Devis").Id]);
    }

    [GlobalCleanup]
    public Task Cleanup() => _app.DisposeAsync().AsTask();

    [Benchmark]
    public Task<OpportunityDto> MoveOpportunity() =>
        Send(new MoveOpportunity(_opportunity, null, new MoveOpportunityBody(_stages[++_n % 2])));

    private Task<T> Send<T>(ICommand<T> command) => Scoped(sp => sp.GetRequiredService<IMediator>().Send(command).AsTask());

    private async Task<T> Scoped<T>(Func<IServiceProvider, Task<T>> call)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerScope>().Caller = new Caller("bench", "bench");
        return await call(scope.ServiceProvider);
    }
}
