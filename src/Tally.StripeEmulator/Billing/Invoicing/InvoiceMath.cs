namespace Tally.StripeEmulator.Billing.Invoicing;

/// <summary>One line before discounts: licensed = quantity × unit price; metered = aggregate × unit price.</summary>
internal sealed record LineInput(string Key, decimal Quantity, decimal UnitAmountDecimal, decimal? ExactAmount = null);

/// <summary>A coupon as it applies to one invoice (duration already checked by the caller).</summary>
internal sealed record CouponInput(string DiscountId, decimal? PercentOff, long? AmountOff);

internal sealed record LineResult(string Key, long Amount, IReadOnlyList<(string DiscountId, long Amount)> DiscountAmounts);

internal sealed record InvoiceTotals(
    IReadOnlyList<LineResult> Lines,
    long Subtotal,
    IReadOnlyList<(string DiscountId, long Amount)> DiscountAmounts,
    long Total);

/// <summary>
/// Invoice arithmetic in integer minor units: each line is rounded half away from zero once
/// (so <c>unit_amount_decimal</c> "0.5" × 3 = 2); discounts apply to the subtotal in order
/// (percent of what is left, or a fixed amount capped at what is left), then are spread over the
/// lines in proportion to their amounts, with the rounding remainder on the last line.
/// </summary>
internal static class InvoiceMath
{
    public static long LineAmount(decimal quantity, decimal unitAmountDecimal) =>
        (long)Math.Round(quantity * unitAmountDecimal, 0, MidpointRounding.AwayFromZero);

    public static InvoiceTotals Compute(IReadOnlyList<LineInput> lines, IReadOnlyList<CouponInput> coupons)
    {
        var amounts = lines.Select(l => l.ExactAmount is { } exact
            ? (long)Math.Round(exact, 0, MidpointRounding.AwayFromZero)
            : LineAmount(l.Quantity, l.UnitAmountDecimal)).ToArray();
        var subtotal = amounts.Sum();
        var remaining = subtotal;
        var totals = new List<(string, long)>();
        var perLine = lines.Select(_ => new List<(string, long)>()).ToArray();
        foreach (var c in coupons)
        {
            var off = c.PercentOff is { } pct
                ? (long)Math.Round(remaining * pct / 100m, 0, MidpointRounding.AwayFromZero)
                : Math.Min(c.AmountOff ?? 0, remaining);
            off = Math.Max(0, Math.Min(off, remaining));
            remaining -= off;
            totals.Add((c.DiscountId, off));
            Spread(c.DiscountId, off, amounts, subtotal, perLine);
        }
        var results = lines.Select((l, i) => new LineResult(l.Key, amounts[i], perLine[i])).ToList();
        return new InvoiceTotals(results, subtotal, totals, remaining);
    }

    private static void Spread(string discountId, long off, long[] amounts, long subtotal, List<(string, long)>[] perLine)
    {
        if (amounts.Length == 0)
        {
            return;
        }

        long given = 0;
        for (var i = 0; i < amounts.Length; i++)
        {
            var share = i == amounts.Length - 1
                ? off - given
                : subtotal == 0 ? 0 : (long)Math.Floor((decimal)off * amounts[i] / subtotal);
            given += share;
            perLine[i].Add((discountId, share));
        }
    }
}
