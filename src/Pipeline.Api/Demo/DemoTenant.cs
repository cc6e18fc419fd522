using Mediator;
using Pipeline.Api.Automation;
using Pipeline.Api.Data;
using Pipeline.Api.Opportunities;
using Pipeline.Api.Rules;
using Pipeline.Api.Stages;
using Pipeline.Api.Tenancy;

namespace Pipeline.Api.Demo;

/// <summary>
/// <c>dotnet run --project src/Pipeline.Api -- --demo</c> (Development only): tenant <c>demo</c> gets a pipeline worth
/// looking at — building-trade deals spread over the five stages, some won and lost, a stale one, and history over
/// the past weeks — made through the same commands the API sends, so every rule applies. Seeding twice adds nothing.
/// </summary>
public sealed class DemoTenant(IServiceScopeFactory scopes, TenantProvisioner provisioner, Reads reads, TimeProvider clock)
{
    public const string TenantId = "demo";

    private enum Fate { Nouveau, Estimation, Visite, Devis, Won, Lost }

    private sealed record Deal(string Name, decimal Amount, Fate Fate, int DaysAgo, string? LostReason = null);

    private static readonly Deal[] Deals =
    [
        new("Rénovation toiture – Dupont", 18450m, Fate.Won, 52),
        new("Isolation des combles – Martin", 6200m, Fate.Won, 47),
        new("Ravalement de façade – Bernard", 24800m, Fate.Lost, 45, "Prix trop élevé"),
        new("Pompe à chaleur air/eau – Petit", 14300m, Fate.Won, 41),
        new("Extension ossature bois – Durand", 85000m, Fate.Devis, 38),
        new("Salle de bain PMR – Leroy", 11900m, Fate.Lost, 36, "Projet reporté"),
        new("Charpente du garage – Moreau", 9700m, Fate.Won, 34),
        new("Menuiseries aluminium – Simon", 16250m, Fate.Devis, 31),
        new("Terrasse carrelée – Laurent", 7400m, Fate.Visite, 30),
        new("Cuisine sur mesure – Lefebvre", 21600m, Fate.Devis, 29),
        new("Véranda – Michel", 32500m, Fate.Lost, 28, "Concurrent retenu"),
        new("Clôture et portail – Garcia", 5800m, Fate.Won, 27),
        new("Peinture intérieure – David", 4300m, Fate.Nouveau, 26),
        new("Couverture zinc – Bertrand", 27900m, Fate.Devis, 25),
        new("Plâtrerie et doublage – Roux", 8900m, Fate.Visite, 23),
        new("Électricité rénovation – Vincent", 12700m, Fate.Devis, 22),
        new("Plomberie cuisine – Fournier", 3600m, Fate.Won, 22),
        new("Chape et parquet – Morel", 10400m, Fate.Visite, 20),
        new("Enduit à la chaux – Girard", 13800m, Fate.Estimation, 18),
        new("Assainissement individuel – Lefèvre", 9100m, Fate.Lost, 24, "Financement refusé"),
        new("Toit-terrasse – Mercier", 19500m, Fate.Visite, 15),
        new("Mur de soutènement – Dupuis", 15200m, Fate.Estimation, 14),
        new("Store banne – Lambert", 2900m, Fate.Estimation, 12),
        new("Portail motorisé – Bonnet", 4700m, Fate.Visite, 11),
        new("Carport bois – François", 6800m, Fate.Estimation, 9),
        new("Isolation par l'extérieur – Martinez", 38600m, Fate.Devis, 24),
        new("Fenêtres PVC – Legrand", 8100m, Fate.Estimation, 6),
        new("Chaudière gaz – Garnier", 5400m, Fate.Nouveau, 5),
        new("Escalier béton – Faure", 7300m, Fate.Nouveau, 3),
        new("Dalle béton – Rousseau", 6100m, Fate.Nouveau, 2),
        new("Velux et habillage – Blanc", 3900m, Fate.Nouveau, 1),
    ];

    private static readonly Caller Seeder = new(TenantId, "demo-seed");

    public async Task SeedAsync(CancellationToken ct)
    {
        if (clock is not TravellingClock travel)
            throw new InvalidOperationException("The demo tenant's history spans past weeks: run with --demo, which installs its clock.");
        await provisioner.EnsureAsync(Seeder, ct);
        if (await reads.SingleOrDefaultAsync<long>(Sql.Seeded, new { TenantId }, ct) > 0) return;

        var now = travel.GetUtcNow();
        var stages = (await reads.QueryAsync<StageRow>(StageSql.All, new { TenantId }, ct)).ToDictionary(s => s.Name);
        // Nouveau rots after two weeks: the deal left there for 26 days shows up stale on the board and in the report.
        await SendAsync(new EditStage(stages["Nouveau"].Id, null, new EditStageBody(RottingDays: 14)), ct);

        for (var i = 0; i < Deals.Length; i++)
        {
            var deal = Deals[i];
            var start = now.AddDays(-deal.DaysAgo).AddHours(8 + i % 9);
            travel.Travel(start);
            var opportunity = await SendAsync(new CreateOpportunity(new CreateOpportunityBody(
                deal.Name, ExpectedRevenue: deal.Amount, ExternalRef: $"DEMO-{i + 1:00}")), ct);

            async Task Event(string type, int day)
            {
                travel.Travel(start.AddDays(day));
                var body = new IngestEventBody($"demo-{i + 1:00}-{type}", type, opportunity.Id, start.AddDays(day));
                await SendAsync(new IngestEvent(body), ct);
            }

            if (deal.Fate == Fate.Nouveau) continue;
            if (i % 2 == 0 || deal.Fate == Fate.Estimation) await Event("estimate.generated", 1);
            if (deal.Fate == Fate.Estimation) continue;
            await Event("technical_visit.scheduled", 3);
            if (deal.Fate == Fate.Visite) continue;
            await Event("technical_visit.completed", 5);
            await Event("quote.issued", 8);
            if (i % 5 == 0)
                await SendAsync(new SetOpportunityProbability(opportunity.Id, null, new SetOpportunityProbabilityBody(65m)), ct);
            travel.Travel(start.AddDays(15));
            if (deal.Fate == Fate.Won) await SendAsync(new MarkWon(opportunity.Id, null), ct);
            if (deal.Fate == Fate.Lost) await SendAsync(new MarkLost(opportunity.Id, null, new MarkLostBody(deal.LostReason!)), ct);
        }
        travel.Travel(null);
    }

    /// <summary>Each command in its own scope acting for the demo tenant, as a request would.</summary>
    private async Task<T> SendAsync<T>(ICommand<T> command, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<CallerScope>().Caller = Seeder;
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(command, ct);
    }

    private static class Sql
    {
        public const string Seeded = "SELECT COUNT(*) FROM Opportunities WHERE TenantId = @TenantId AND ExternalRef LIKE 'DEMO-%'";
    }
}

/// <summary>The system clock, which the demo seeder can set back to the past for the commands it sends.</summary>
public sealed class TravellingClock : TimeProvider
{
    private readonly AsyncLocal<DateTimeOffset?> _at = new();

    /// <summary>From here on, in this flow of execution only, it is <paramref name="at"/> (null: the real time again).</summary>
    public void Travel(DateTimeOffset? at) => _at.Value = at;

    public override DateTimeOffset GetUtcNow() => _at.Value ?? System.GetUtcNow();
}
