namespace Tally.Api.Features.Revenue;

/// <summary>Minor units ↔ major units per ISO currency (Stripe's list), and the one rounding rule, applied only at output.</summary>
internal static class Money
{
    private static readonly HashSet<string> ZeroDecimal =
        ["bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"];

    private static readonly HashSet<string> ThreeDecimal = ["bhd", "jod", "kwd", "omr", "tnd"];

    public static int Exponent(string currency) => ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    public static decimal Major(decimal minor, string currency) => Exponent(currency) switch
    {
        0 => minor,
        3 => minor / 1000m,
        _ => minor / 100m,
    };

    public static decimal Round(decimal value, int places) => Math.Round(value, places, MidpointRounding.AwayFromZero);

    public static decimal? Round(decimal? value, int places) => value is { } v ? Round(v, places) : null;

    /// <summary>A per-currency amount for output: major units at the currency's own precision.</summary>
    public static decimal Show(decimal minor, string currency) => Round(Major(minor, currency), Exponent(currency));
}
