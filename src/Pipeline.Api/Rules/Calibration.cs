namespace Pipeline.Api.Rules;

/// <summary>
/// Stage probabilities calibrated from what really happened: of the deals that were in a stage and have since closed,
/// the share won, with its Wilson score interval at 95 %; a suggestion once the sample is large enough to trust.
/// </summary>
public static class Calibration
{
    public const int DefaultMinSample = 20;
    public const int MaxMinSample = 100_000;

    /// <summary>The 97.5th percentile of the normal distribution, as the Wilson interval at 95 % uses it.</summary>
    private const double Z = 1.96;

    /// <param name="ObservedWinRate">won / reached, in percent, two decimals.</param>
    /// <param name="Lower95">The Wilson interval's lower bound, in percent.</param>
    /// <param name="Upper95">Its upper bound.</param>
    /// <param name="Suggested">The observed rate to a whole percent, once reached ≥ the minimum sample.</param>
    public sealed record Estimate(decimal? ObservedWinRate, decimal? Lower95, decimal? Upper95, decimal? Suggested);

    public static Estimate Of(long won, long reached, int minSample)
    {
        if (reached == 0) return new Estimate(null, null, null, null);
        var (p, n) = ((double)won / reached, (double)reached);
        var scale = 1 + Z * Z / n;
        var center = (p + Z * Z / (2 * n)) / scale;
        var half = Z * Math.Sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / scale;
        var rate = decimal.Round(won * 100m / reached, 2, MidpointRounding.AwayFromZero);
        return new Estimate(
            rate,
            Percent(Math.Max(0, center - half)),
            Percent(Math.Min(1, center + half)),
            reached >= minSample ? decimal.Round(won * 100m / reached, 0, MidpointRounding.AwayFromZero) : null);
    }

    private static decimal Percent(double share) => decimal.Round((decimal)share * 100m, 2, MidpointRounding.AwayFromZero);
}
