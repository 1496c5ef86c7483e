using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Tests.Revenue;

/// <summary>Histories for <see cref="RevenueMovementEventsTests"/>, written through the mirror writer around <see cref="T"/>.</summary>
internal static class MovementHistories
{
    public static readonly DateTimeOffset T = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Ten customers in usd or eur, one or two subscriptions each, up to six states in the 100 days around T, and a few invoices.</summary>
    public static async Task RandomHistoryAsync(MirrorWriter mirror, Random random, string prefix)
    {
        for (var c = 0; c < 10; c++)
        {
            var currency = random.Next(2) == 0 ? "usd" : "eur";
            var customer = $"{prefix}_cus_{c}";
            await mirror.UpsertCustomerAsync(new CustomerRecord(customer, null, null, null, currency, false, T.AddDays(-200), new Dictionary<string, string>()), T, Ct);
            for (var s = 0; s < 1 + random.Next(2); s++)
            {
                var id = $"{prefix}_sub_{c}_{s}";
                var changes = Enumerable.Range(0, 1 + random.Next(6)).Select(_ => T.AddDays(-80).AddMinutes(random.Next(100 * 24 * 60))).Distinct().Order().ToList();
                for (var i = 0; i < changes.Count; i++)
                {
                    var status = new[] { "active", "active", "active", "trialing", "past_due", "canceled" }[random.Next(6)];
                    var price = Price(prefix, currency, random.Next(3));
                    DateTimeOffset? trialEnd = status == "trialing" ? changes[i].AddDays(random.Next(1, 25)) : null;
                    DateTimeOffset? ended = status == "canceled" ? changes[i] : null;
                    await mirror.RecordHistoryAsync(Sub(id, customer, status, price, random.Next(0, 5), trialEnd, ended), changes[i], $"evt_{id}_{i}", "customer.subscription.updated", Ct);
                    if (ended is not null)
                    {
                        break;
                    }
                }
            }

            for (var k = 0; k < random.Next(4); k++)
            {
                var paidAt = T.AddDays(-120).AddMinutes(random.Next(140 * 24 * 60));
                await mirror.UpsertInvoiceAsync(Paid($"{prefix}_in_{c}_{k}", customer, paidAt, random.Next(3) == 0 ? 0 : 1000, currency), T, Ct);
            }
        }
    }

    /// <summary>
    /// Certain cases: a customer paid, churned, came back inside the window and expanded (two changes in it); one paid
    /// before and starts inside it (one change); one new inside the window (its invoice before it arrives later); one
    /// with three changes inside it.
    /// </summary>
    public static async Task ReactivationsAsync(MirrorWriter mirror, string prefix)
    {
        var price = Price(prefix, "usd", 0);
        foreach (var customer in new[] { "_cus_back", "_cus_once", "_cus_new", "_cus_many" })
        {
            await mirror.UpsertCustomerAsync(new CustomerRecord(prefix + customer, null, null, null, "usd", false, T.AddDays(-200), new Dictionary<string, string>()), T, Ct);
        }

        async Task SubAsync(string customer, string id, params (DateTimeOffset At, string Status, long Quantity)[] states)
        {
            foreach (var (at, status, quantity) in states)
            {
                await mirror.RecordHistoryAsync(Sub(id, customer, status, price, quantity, null, status == "canceled" ? at : null), at, $"evt_{id}_{at:yyyyMMddHHmm}", "customer.subscription.updated", Ct);
            }
        }

        await SubAsync(prefix + "_cus_back", prefix + "_sub_back_a", (T.AddDays(-120), "active", 1), (T.AddDays(-60), "canceled", 1));
        await SubAsync(prefix + "_cus_back", prefix + "_sub_back_b", (T.AddDays(-20).AddHours(5), "active", 1), (T.AddDays(-10).AddHours(7), "active", 3));
        await mirror.UpsertInvoiceAsync(Paid(prefix + "_in_back", prefix + "_cus_back", T.AddDays(-100), 1000), T, Ct);
        await SubAsync(prefix + "_cus_once", prefix + "_sub_once", (T.AddDays(-5).AddHours(2), "active", 2));
        await mirror.UpsertInvoiceAsync(Paid(prefix + "_in_once", prefix + "_cus_once", T.AddDays(-40), 500), T, Ct);
        await SubAsync(prefix + "_cus_new", prefix + "_sub_new", (T.AddDays(-3).AddHours(9), "active", 3));
        await SubAsync(
            prefix + "_cus_many", prefix + "_sub_many", (T.AddDays(-40), "active", 2), (T.AddDays(-25), "active", 1), (T.AddDays(-15).AddMinutes(3), "active", 4), (T.AddDays(-2), "active", 3));
    }

    public static PriceRecord Price(string prefix, string currency, int k) => new(
        $"{prefix}_price_{currency}_{k}", null, currency, 500 * (k + 1), 500m * (k + 1), "recurring", "per_unit", k == 2 ? "year" : "month", 1, "licensed",
        null, true, null, null, false, T.AddDays(-300));

    private static SubscriptionRecord Sub(string id, string customer, string status, PriceRecord price, long quantity, DateTimeOffset? trialEnd, DateTimeOffset? ended) => new(
        id, customer, status, price.Currency, [new SubscriptionItemRecord("si_" + id, price, quantity, null, null, T.AddDays(-200))], [], false, null, ended, ended,
        trialEnd is null ? null : T.AddDays(-200), trialEnd, null, null, T.AddDays(-200), new Dictionary<string, string>());

    public static InvoiceRecord Paid(string id, string customer, DateTimeOffset paidAt, long amount, string currency = "usd") => new(
        id, customer, null, null, "paid", amount, amount, 0, amount, amount, currency, "manual", paidAt, null, null, paidAt, null, null);
}
