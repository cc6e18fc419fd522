using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// The HTTP load driver of bench/README: the published service and the bare comparator on the same SQLite file,
// seeded with 10k and 100k opportunities, driven by wrk in alternating pairs. One line per row of the issue's table:
// the ratio, both absolute figures, and the load average. Usage: dotnet run -c Release --project bench/Pipeline.Api.LoadDriver
// [-- --pairs 5 --seconds 3 --connections 16].
var options = Options.Parse(args);
var root = Repository.Root();
var work = Path.Combine(root, "bench", ".out");
Directory.CreateDirectory(work);
Console.WriteLine($"# {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {options}");

var service = Publish(root, "src/Pipeline.Api", Path.Combine(work, "service"), "Pipeline.Api.dll");
var bare = Publish(root, "bench/Pipeline.Api.Bare", Path.Combine(work, "bare"), "Pipeline.Api.Bare.dll");
var database = Path.Combine(work, "bench.db");
foreach (var file in Directory.GetFiles(work, "bench.db*")) File.Delete(file);
var connectionString = $"Data Source={database}";
var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
Tokens.Key = key;

using var serviceProcess = Start(service, 5180, connectionString, key);
using var bareProcess = Start(bare, 5181, connectionString, key);
// However the driver ends (an exception included), the two servers end with it.
try
{
    await MeasureAsync();
}
finally
{
    serviceProcess.Kill();
    bareProcess.Kill();
}
return;

async Task MeasureAsync()
{
    var api = await ReadyAsync(serviceProcess, 5180, key);
    foreach (var tenant in Tenants.All) (await Client(api, tenant).GetAsync("/api/v1/stages")).EnsureSuccessStatusCode();
    var seed = Seed.Run(connectionString);
    await ReadyAsync(bareProcess, 5181, null);
    var rssIdle = Rss(serviceProcess);

    var wrk = new Wrk(options, work, key, SettleAsync);
    // Warm-up, not measured: JIT, connection pools, the SQLite page cache of both processes.
    foreach (var path in new[] { "/api/v1/stages", "/api/v1/pipeline" }) await wrk.Get(api, Tenants.Small, path);
    foreach (var path in new[] { "/stages", "/pipeline" }) await wrk.Get(null, Tenants.Small, $"{path}?tenant={Tenants.Small}");
    var lines = new List<string>();
    void Report(string line)
    {
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        lines.Add($"{line} | load {load}");
        Console.WriteLine(lines[^1]);
    }

    // SetProbability on a stage of 100k opportunities: service vs the same set-based UPDATE vs row by row.
    if (options.Runs("probability"))
    {
        var s = new List<double>();
        var b = new List<double>();
        for (var i = 0; i < options.Pairs; i++)
        {
            var bp = 4000 + i % 2;
            s.Add(await TimeAsync(() => Client(api, Tenants.Probability).PutAsJsonAsync($"/api/v1/stages/{seed.ProbabilityStage}/probability",
                new { probability = bp / 100m })));
            b.Add(await TimeAsync(() => new HttpClient().PutAsync(
                $"http://127.0.0.1:5181/stages/{seed.ProbabilityStage}/probability?tenant={Tenants.Probability}&bp={bp + 2}", null)));
        }
        var rowByRow = await TimeAsync(() => new HttpClient { Timeout = TimeSpan.FromMinutes(5) }.PutAsync(
            $"http://127.0.0.1:5181/stages/{seed.ProbabilityStage}/probability?tenant={Tenants.Probability}&bp=4500&rowByRow=true", null));
        Report($"SetProbability 100k | {Median(s) / Median(b):0.00}x the bare set-based UPDATE (goal <= 1.10x) | service {Median(s):0} ms | "
               + $"bare {Median(b):0} ms | row by row {rowByRow:0} ms = {rowByRow / Median(s):0.0}x slower");
    }

    // A move through the service vs the bare UPDATE + history INSERT; 16 connections; requests per second and tails.
    if (options.Runs("move"))
    {
        var (s, b) = await wrk.PairsAsync(
            run => wrk.Moves(api, seed, run), run => wrk.Moves(null, seed, 5 + run));
        Report($"MoveOpportunity | {s.Rps / b.Rps:0.00}x the bare rps (goal >= 0.85x) | service {s.Rps:0} req/s p50 {s.P50:0.0} p99 {s.P99:0.0} ms "
               + $"(p99/p50 {s.P99 / s.P50:0.0}, goal <= 10) | bare {b.Rps:0} req/s p50 {b.P50:0.0} p99 {b.P99:0.0} ms");
    }

    // Events: a first delivery (each event moves one opportunity) vs a plain move, and a replay vs a first delivery.
    if (options.Runs("events"))
    {
        var (e, m) = await wrk.PairsAsync(run => wrk.Events(api, seed, 10 + run, replay: false), run => wrk.Moves(api, seed, 15 + run));
        Report($"event first delivery | {e.Rps / m.Rps:0.00}x a plain move (goal: keep ~0.86x) | event {e.Rps:0} req/s | move {m.Rps:0} req/s");
        var (r, f) = await wrk.PairsAsync(_ => wrk.Events(api, seed, 25, replay: true), run => wrk.Events(api, seed, 20 + run, replay: false));
        Report($"event replay | {r.Rps / f.Rps:0.00}x a first delivery (goal: keep ~3.8x) | replay {r.Rps:0} req/s | first {f.Rps:0} req/s");
    }

    // The board at 100k vs at 10k opportunities (p50), service and bare.
    if (options.Runs("board"))
    {
        var (large, small) = await wrk.PairsAsync(_ => wrk.Get(api, Tenants.Large, "/api/v1/pipeline"), _ => wrk.Get(api, Tenants.Small, "/api/v1/pipeline"));
        var (bareLarge, bareSmall) = await wrk.PairsAsync(
            _ => wrk.Get(null, Tenants.Large, $"/pipeline?tenant={Tenants.Large}"), _ => wrk.Get(null, Tenants.Small, $"/pipeline?tenant={Tenants.Small}"));
        Report($"board 100k vs 10k (p50) | {large.P50 / small.P50:0.0}x (goal <= 1.5x) | service {large.P50:0.00} vs {small.P50:0.00} ms, "
               + $"{large.Rps:0} vs {small.Rps:0} req/s | bare {bareLarge.P50 / bareSmall.P50:0.0}x ({bareLarge.P50:0.00} vs {bareSmall.P50:0.00} ms)");
    }

    // The board (20 cards a column) vs reading every card, at 10k.
    if (options.Runs("cards"))
    {
        var (board, every) = await wrk.PairsAsync(_ => wrk.Get(api, Tenants.Small, "/api/v1/pipeline"), _ => wrk.Get(null, Tenants.Small, $"/cards?tenant={Tenants.Small}"));
        Report($"board vs every card at 10k | {board.Rps / every.Rps:0.0}x the req/s (goal >= 10x) | board {board.Rps:0} req/s | every card {every.Rps:0} req/s");
    }

    // The simplest read: the stages, through the service and bare.
    if (options.Runs("stages"))
    {
        var (s, b) = await wrk.PairsAsync(_ => wrk.Get(api, Tenants.Small, "/api/v1/stages"), _ => wrk.Get(null, Tenants.Small, $"/stages?tenant={Tenants.Small}"));
        Report($"GET /api/v1/stages | {s.Rps / b.Rps:0.00}x the bare rps (goal >= 0.75x) | service {s.Rps:0} req/s p50 {s.P50:0.00} ms | "
               + $"bare {b.Rps:0} req/s p50 {b.P50:0.00} ms");
    }

    var rssLoaded = Rss(serviceProcess);
    Report($"memory | {rssLoaded:0} MB after load (goal < 256 MB) | {rssIdle:0} MB idle");
    File.WriteAllLines(Path.Combine(work, "last-run.txt"), lines);
}

static async Task<double> TimeAsync(Func<Task<HttpResponseMessage>> call)
{
    var watch = Stopwatch.StartNew();
    var response = await call();
    var elapsed = watch.Elapsed.TotalMilliseconds;
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    return elapsed;
}

static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

static double Rss(Process process) =>
    double.Parse(Regex.Match(File.ReadAllText($"/proc/{process.Id}/status"), @"VmRSS:\s+(\d+) kB").Groups[1].Value) / 1024;

// wrk stops sending when its time is up, but the bare comparator's writers go on sleeping in SQLite's busy handler
// for a second and more: the next run (the service, on the same file) found them holding the write lock, and its
// p99 went from 18 to 450 ms. Each run starts once the bare server has finished what it accepted (at most 10 s).
// The service needs no wait: its queued writers leave the queue when their request is aborted.
static async Task SettleAsync()
{
    using var http = new HttpClient { BaseAddress = new Uri("http://127.0.0.1:5181") };
    var deadline = Stopwatch.StartNew();
    while (await http.GetFromJsonAsync<int>("/running") > 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(50);
}

static string Publish(string root, string project, string output, string dll)
{
    Run("dotnet", $"publish {Path.Combine(root, project)} -c Release -o {output} --nologo -v q");
    return Path.Combine(output, dll);
}

static void Run(string file, string arguments)
{
    using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
    var output = process.StandardOutput.ReadToEndAsync();
    var error = process.StandardError.ReadToEndAsync();
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {arguments}: {output.Result}{error.Result}");
}

static Process Start(string dll, int port, string connectionString, string key)
{
    var start = new ProcessStartInfo("dotnet", ["exec", dll, "--urls", $"http://127.0.0.1:{port}"])
    {
        WorkingDirectory = Path.GetDirectoryName(dll)!,
        RedirectStandardOutput = true,
        RedirectStandardError = true,
        Environment =
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Pipeline"] = connectionString,
            ["Authentication__Schemes__Bearer__ValidIssuer"] = Tokens.Issuer,
            ["Authentication__Schemes__Bearer__ValidAudiences__0"] = Tokens.Issuer,
            ["Authentication__Schemes__Bearer__SigningKeys__0__Issuer"] = Tokens.Issuer,
            ["Authentication__Schemes__Bearer__SigningKeys__0__Value"] = key,
            ["Logging__LogLevel__Default"] = "Warning",
            ["RateLimiting__Tenant__TokenLimit"] = "1000000",
            ["RateLimiting__Tenant__TokensPerPeriod"] = "1000000",
        },
    };
    // Both run with the runtime settings of the container image (the DOTNET_* variables its Dockerfile sets).
    foreach (Match setting in Regex.Matches(File.ReadAllText(Path.Combine(Repository.Root(), "Dockerfile")), @"\b(DOTNET_\w+)=(\S+)"))
        start.Environment[setting.Groups[1].Value] = setting.Groups[2].Value;
    // Experiments: BENCH_SERVICE_ENV="DOTNET_gcServer=0;…" reaches both servers.
    foreach (var setting in (Environment.GetEnvironmentVariable("BENCH_SERVICE_ENV") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
        start.Environment[setting[..setting.IndexOf('=')]] = setting[(setting.IndexOf('=') + 1)..];
    var process = Process.Start(start)!;
    process.OutputDataReceived += (_, _) => { };
    process.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line && line.Contains("fail")) Console.Error.WriteLine(line); };
    process.BeginOutputReadLine();
    process.BeginErrorReadLine();
    return process;
}

static async Task<string> ReadyAsync(Process process, int port, string? key)
{
    var url = $"http://127.0.0.1:{port}";
    using var http = new HttpClient();
    for (var i = 0; i < 300; i++)
    {
        if (process.HasExited) throw new InvalidOperationException($"{url} exited with {process.ExitCode}");
        try
        {
            if ((await http.GetAsync(key is null ? $"{url}/stages?tenant=none" : $"{url}/health/ready")).IsSuccessStatusCode) return url;
        }
        catch (HttpRequestException)
        {
        }
        await Task.Delay(200);
    }
    throw new TimeoutException($"{url} did not become ready");
}

static HttpClient Client(string url, string tenant) => new()
{
    BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5),
    DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(tenant, Tokens.Key!)) },
};

internal sealed record Options(int Pairs, int Seconds, int Connections, string[] Only)
{
    public static Options Parse(string[] args)
    {
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Get(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
        return new Options(Get("--pairs", 5), Get("--seconds", 3), Get("--connections", 16), Value("--only")?.Split(',') ?? []);
    }

    /// <summary>--only probability,move,events,board,cards,stages runs those rows (while working on one).</summary>
    public bool Runs(string row) => Only.Length == 0 || Only.Contains(row);

    public override string ToString() => $"{Pairs} alternating pairs of {Seconds} s, wrk -t2 -c{Connections}";
}

internal static class Repository
{
    public static string Root()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pipeline.Api.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }
}

internal static class Tenants
{
    public const string Small = "bench-10k";
    public const string Large = "bench-100k";
    public const string Probability = "bench-probability";
    public static readonly string[] All = [Small, Large, Probability];
}

internal static class Tokens
{
    public const string Issuer = "pipeline-bench";
    public static string? Key { get; set; }

    public static string For(string tenant, string key) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Audience = Issuer,
        Claims = new Dictionary<string, object> { ["sub"] = "bench", ["tenant_id"] = tenant, ["scope"] = "pipeline.admin" },
        Expires = DateTime.UtcNow.AddHours(2),
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(key)), SecurityAlgorithms.HmacSha256),
    });
}

/// <summary>Opportunities straight into the file: 10k and 100k spread over the open stages, 100k in one stage.</summary>
internal sealed record Seed(long[] LargeIds, long[] LargeStages, long[] OpenStages, long ProbabilityStage)
{
    public static Seed Run(string connectionString)
    {
        using var db = new SqliteConnection(connectionString);
        db.Open();
        const string insert = """
            WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < @Count),
            open_stages(Id, k) AS (SELECT Id, ROW_NUMBER() OVER (ORDER BY Sequence, Id) - 1 FROM Stages
                                   WHERE TenantId = @TenantId AND IsClosing = 0 AND (@OnlyStage IS NULL OR Id = @OnlyStage))
            INSERT INTO Opportunities (TenantId, Name, TeamId, StageId, ProbabilityBp, ProbabilitySource, ExpectedRevenueCents, Active,
                                       Outcome, StageChangedAtMs, Version, CreatedAtMs, UpdatedAtMs)
            SELECT @TenantId, 'Chantier ' || seq.n, NULL, s.Id, 1000, 'stage', 100000 + seq.n * 137 % 5000000, 1, 'open',
                   @Now, 1, @Now, @Now
            FROM seq JOIN open_stages s ON s.k = seq.n % (SELECT COUNT(*) FROM open_stages)
            ORDER BY seq.n
            """;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var tx = db.BeginTransaction())
        {
            db.Execute(insert, new { Count = 10_000, TenantId = Tenants.Small, OnlyStage = (long?)null, Now = now }, tx);
            db.Execute(insert, new { Count = 100_000, TenantId = Tenants.Large, OnlyStage = (long?)null, Now = now }, tx);
            var estimation = db.QuerySingle<long>("SELECT Id FROM Stages WHERE TenantId = @T AND Name = 'Estimation'", new { T = Tenants.Probability }, tx);
            db.Execute(insert, new { Count = 100_000, TenantId = Tenants.Probability, OnlyStage = estimation, Now = now }, tx);
            tx.Commit();
        }
        var open = db.Query<long>("SELECT Id FROM Stages WHERE TenantId = @T AND IsClosing = 0 ORDER BY Sequence, Id", new { T = Tenants.Large }).ToArray();
        var rows = db.Query<(long Id, long StageId)>("SELECT Id, StageId FROM Opportunities WHERE TenantId = @T ORDER BY Id", new { T = Tenants.Large }).ToList();
        var probabilityStage = db.QuerySingle<long>("SELECT Id FROM Stages WHERE TenantId = @T AND Name = 'Estimation'", new { T = Tenants.Probability });
        return new Seed(rows.Select(r => r.Id).ToArray(), rows.Select(r => r.StageId).ToArray(), open, probabilityStage);
    }
}

internal sealed record WrkResult(double Rps, double P50, double P99);

/// <summary>wrk runs, each against a Lua script; service and bare (or two variants) alternate, the median of each is kept.</summary>
internal sealed partial class Wrk(Options options, string work, string key, Func<Task> settle)
{
    private int _script;

    public async Task<(WrkResult A, WrkResult B)> PairsAsync(Func<int, Task<WrkResult>> a, Func<int, Task<WrkResult>> b)
    {
        var (first, second) = (new List<WrkResult>(), new List<WrkResult>());
        for (var run = 0; run < options.Pairs; run++)
        {
            first.Add(await a(run));
            await settle();
            second.Add(await b(run));
            await settle();
        }
        return (Median(first), Median(second));
    }

    private static WrkResult Median(List<WrkResult> runs)
    {
        double M(Func<WrkResult, double> f) => runs.Select(f).Order().ElementAt(runs.Count / 2);
        return new WrkResult(M(r => r.Rps), M(r => r.P50), M(r => r.P99));
    }

    public Task<WrkResult> Get(string? service, string tenant, string path) => RunAsync(service ?? "http://127.0.0.1:5181", $"""
        wrk.method = "GET"
        wrk.path = "{path}"
        wrk.headers["Authorization"] = "Bearer {Tokens.For(tenant, key)}"
        """);

    /// <summary>Each request moves another opportunity of the 100k tenant to the next open stage; runs use disjoint slices.</summary>
    /// <param name="service">The service's address; null for the bare comparator.</param>
    /// <param name="n">Which of the disjoint slices of opportunities this run moves.</param>
    public Task<WrkResult> Moves(string? service, Seed seed, int n)
    {
        var slice = Slice(seed, n);
        var targets = slice.Select(i => seed.OpenStages[(Array.IndexOf(seed.OpenStages, seed.LargeStages[i]) + 1) % seed.OpenStages.Length]);
        var path = service is null ? "/opportunities/%d/move?tenant=" + Tenants.Large : "/api/v1/opportunities/%d/move";
        return RunAsync(service ?? "http://127.0.0.1:5181", Script("POST", path, slice.Select(i => seed.LargeIds[i]), targets,
            """{"stageId":%d}"""));
    }

    /// <summary>quote.issued for another opportunity each request (a first delivery), or the same event again and again (replays).</summary>
    public async Task<WrkResult> Events(string service, Seed seed, int run, bool replay)
    {
        // Not those already in Devis: quote.issued moves an opportunity forward to Devis, and one already there is only recorded.
        var slice = Slice(seed, run).Where(i => seed.LargeStages[i] != seed.OpenStages[^1]).ToArray();
        if (replay)
        {
            var id = seed.LargeIds[slice[0]];
            var body = $$"""{"eventId":"replay-{{id}}","type":"quote.issued","opportunityId":{{id}},"occurredAt":"2026-11-29T09:30:00Z"}""";
            using var http = new HttpClient { BaseAddress = new Uri(service) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Tokens.For(Tenants.Large, key));
            await http.PostAsync("/api/v1/events", new StringContent(body, Encoding.UTF8, "application/json"));
            return await RunAsync(service, $"""
                wrk.method = "POST"
                wrk.path = "/api/v1/events"
                wrk.body = '{body}'
                wrk.headers["Content-Type"] = "application/json"
                wrk.headers["Authorization"] = "Bearer {Tokens.For(Tenants.Large, key)}"
                """);
        }
        return await RunAsync(service, Script("POST", "/api/v1/events", slice.Select(i => seed.LargeIds[i]), slice.Select(i => (long)i),
            $$$"""{"eventId":"first-{{{run}}}-%d","type":"quote.issued","opportunityId":%d,"occurredAt":"2026-11-29T09:30:00Z"}""", swap: true));
    }

    /// <summary>
    /// The n-th of 26 disjoint slices of the 100k tenant's opportunities, so that no run moves what another moved
    /// (a move to the stage an opportunity is already in writes nothing, and would flatter the figures).
    /// </summary>
    private static int[] Slice(Seed seed, int n)
    {
        var size = seed.LargeIds.Length / 26;
        return Enumerable.Range(n * size, size).ToArray();
    }

    /// <summary>A Lua script whose n-th request uses the n-th (id, value) pair in its path and body.</summary>
    private string Script(string method, string path, IEnumerable<long> ids, IEnumerable<long> values, string body, bool swap = false)
    {
        var pairs = string.Join(",", ids.Zip(values, (i, v) => $"{{{i},{v}}}"));
        var format = swap ? "p[2], p[1]" : "p[2]";
        return $$"""
            local pairs = { {{pairs}} }
            local n = 0
            wrk.headers["Content-Type"] = "application/json"
            wrk.headers["Authorization"] = "Bearer {{Tokens.For(Tenants.Large, key)}}"
            request = function()
              n = n + 1
              local p = pairs[(n - 1) % #pairs + 1]
              return wrk.format("{{method}}", string.format("{{path}}", p[1]), nil, string.format('{{body}}', {{format}}))
            end
            """;
    }

    private async Task<WrkResult> RunAsync(string url, string lua)
    {
        var script = Path.Combine(work, $"wrk-{Interlocked.Increment(ref _script)}.lua");
        await File.WriteAllTextAsync(script, lua);
        var start = new ProcessStartInfo("wrk", ["-t2", $"-c{options.Connections}", $"-d{options.Seconds}s", "--latency", "-s", script, url])
        {
            RedirectStandardOutput = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (Non2xx().Match(output) is { Success: true } failed)
            throw new InvalidOperationException($"wrk saw {failed.Groups[1].Value} failed answers from {url}:\n{lua[..Math.Min(400, lua.Length)]}\n{output}");
        return new WrkResult(
            double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Latency(output, "50"), Latency(output, "99"));
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch { "us" => value / 1000, "s" => value * 1000, _ => value };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex Non2xx();
}
