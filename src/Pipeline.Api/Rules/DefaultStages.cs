namespace Pipeline.Api.Rules;

/// <summary>The five stages every tenant starts with (help page, "Gérer les étapes").</summary>
public static class DefaultStages
{
    public sealed record Definition(string Name, int Sequence, decimal? Probability, bool AutoProbability, bool IsClosing);

    public static readonly IReadOnlyList<Definition> All =
    [
        new("Nouveau", 1, 10m, true, false),
        new("Estimation", 2, 20m, true, false),
        new("Visite Technique", 3, 50m, true, false),
        new("Devis", 4, 80m, true, false),
        new("Gagné / Perdu", 5, null, false, true),
    ];
}
