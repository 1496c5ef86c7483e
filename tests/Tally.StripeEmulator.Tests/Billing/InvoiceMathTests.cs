using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Billing.Invoicing;
using UglyToad.PdfPig;

namespace Tally.StripeEmulator.Tests.Billing;

public class InvoiceMathTests
{
    [Fact]
    public void Lines_RoundOncePerLine_DecimalUnitAmount()
    {
        var totals = InvoiceMath.Compute([new("metered", 3, 0.5m), new("licensed", 2, 1500)], []);
        Assert.Equal([2L, 3000L], totals.Lines.Select(l => l.Amount));
        Assert.Equal(3002, totals.Subtotal);
        Assert.Equal(3002, totals.Total);
    }

    [Fact]
    public void Discounts_PercentThenAmount_CappedAtZero_SpreadOverLines()
    {
        var totals = InvoiceMath.Compute([new("a", 1, 1000), new("b", 1, 3000)],
            [new("di_pct", 25m, null), new("di_amt", null, 5000)]);
        Assert.Equal([("di_pct", 1000L), ("di_amt", 3000L)], totals.DiscountAmounts);
        Assert.Equal(0, totals.Total);
        Assert.Equal(1000, totals.Lines.Sum(l => l.DiscountAmounts.Single(d => d.DiscountId == "di_pct").Amount));
        Assert.Equal(250, totals.Lines[0].DiscountAmounts[0].Amount);
    }

    private static PriceInfo Tiered(string mode) => new("price_t", "prod_t", "usd", 0, true, "month", 1, "metered", "mtr_t", null)
    {
        TiersMode = mode,
        Tiers = [new PriceTier(10, 100, 0), new PriceTier(100, 50, 500), new PriceTier(null, 10, 0)],
    };

    [Theory]
    [InlineData("graduated", 0, 0)]
    [InlineData("graduated", 5, 500)]
    [InlineData("graduated", 10, 1000)]
    [InlineData("graduated", 11, 1550)]
    [InlineData("graduated", 150, 1000 + 90 * 50 + 500 + 50 * 10)]
    [InlineData("volume", 5, 500)]
    [InlineData("volume", 11, 11 * 50 + 500)]
    [InlineData("volume", 150, 1500)]
    public void TieredPrices_GraduatedAndVolume(string mode, int quantity, int expected) =>
        Assert.Equal(expected, PriceMath.Exact(Tiered(mode), quantity));

    [Theory]
    [InlineData("up", 1001, 3 * 250)]
    [InlineData("down", 1001, 2 * 250)]
    public void TransformQuantity_DividesAndRounds(string round, int quantity, int expected)
    {
        var price = new PriceInfo("price_x", "prod_x", "usd", 250, true, "month", 1, "licensed", null, null) { TransformDivideBy = 500, TransformRound = round };
        Assert.Equal(expected, PriceMath.Exact(price, quantity));
    }

    [Theory]
    [InlineData(6000, "jpy", "JPY 6000")]
    [InlineData(6000, "eur", "EUR 60.00")]
    public void Money_RespectsZeroDecimalCurrencies(long amount, string currency, string expected) =>
        Assert.Equal(expected, InvoicePdf.FormatMoney(amount, currency));

    [Fact]
    public void Pdf_IsValidAndReadable()
    {
        var bytes = InvoicePdf.Render(new PdfInvoice("ABCD-0001", "cus_1", "usd",
            DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddDays(30),
            [new PdfLine("API requests (metered) (x)", "42", "USD 21.00")], "USD 21.00", "", "USD 21.00", "paid"));
        Assert.Equal("%PDF-1.4", System.Text.Encoding.ASCII.GetString(bytes, 0, 8));
        using var doc = PdfDocument.Open(bytes);
        var text = string.Concat(doc.GetPages().Select(p => p.Text));
        Assert.Contains("ABCD-0001", text);
        Assert.Contains("USD 21.00", text);
        Assert.Contains("(metered) (x)", text);
    }
}
