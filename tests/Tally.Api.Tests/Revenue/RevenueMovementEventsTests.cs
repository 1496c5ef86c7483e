using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Revenue;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Revenue;

/// <summary>
/// Movements from the MRR change events (pre-summed per day, corrected for customers with several changes inside a
/// window and split into new and reactivation per window) equal the direct calculation from the history, on random
/// histories written through the mirror writer: several changes per customer inside one window, trials, zero-MRR
/// states, churn and reactivation, paid invoices before and inside the window, one arriving late; at instants at
/// midnight and inside days; after the incremental catch-up and after a rebuild (which leaves the same rows).
/// </summary>
public sealed class RevenueMovementEventsTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static readonly DateTimeOffset T = new(2025, 9, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset[] Instants =
    [
        T, T.AddDays(-7), T.AddDays(-13).AddHours(6).AddMinutes(17), T.AddDays(-30), T.AddDays(9).AddHours(3), T.AddDays(-45), T.AddDays(-21), T.AddDays(20).AddHours(23),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task RandomHistories_GiveTheDirectMovements_IncrementallyAndAfterARebuild(int seed)
    {
        var prefix = $"mv{seed}_{Guid.NewGuid():N}"[..14];
        var random = new Random(seed);
        await WriteAsync(async mirror =>
        {
            foreach (var price in new[] { "usd", "eur" }.SelectMany(c => Enumerable.Range(0, 3).Select(k => Price(prefix, c, k))))
            {
                await mirror.UpsertPriceAsync(price, T.AddDays(-300), Ct);
            }
        });
        await WriteAsync(async mirror => await RandomHistoryAsync(mirror, random, prefix));
        await WriteAsync(async mirror => await ReactivationsAsync(mirror, prefix));
        var moved = await AssertSameAsync($"seed {seed}, incremental");

        // Covered: a customer reactivated inside the window (paid before it), and customers with two or more changes inside one window.
        Assert.True(moved.Reactivation > 0, $"a reactivation at T (seed {seed})");
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
            var t0 = T.AddDays(-30);
            Assert.True(await db.Set<MrrEvent>().AnyAsync(e => e.Repeat && e.At > t0 && e.At <= T && e.PreviousAt > t0, Ct));
            Assert.True(await db.Set<MrrEvent>().AnyAsync(e => e.Repeat && e.At > t0 && e.At <= T && e.EarlierAt > t0, Ct));
        }

        // An invoice paid before the window arrives late: a from-zero customer inside the window becomes a reactivation.
        await WriteAsync(async mirror => await mirror.UpsertInvoiceAsync(Paid(prefix + "_late", prefix + "_cus_new", T.AddDays(-50), 700), T, Ct));
        var later = await AssertSameAsync($"seed {seed}, after a late invoice");
        Assert.Equal(moved.Reactivation + 1500m, later.Reactivation);

        var incremental = await RowsAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var projection = scope.ServiceProvider.GetRequiredService<RevenueProjection>();
            await projection.RebuildAsync(Ct);
            Assert.True(await projection.CatchUpAsync(1000, Ct));
        }

        Assert.Equal(incremental, await RowsAsync());
        await AssertSameAsync($"seed {seed}, after a rebuild");
    }

    /// <summary>Ten customers in usd or eur, one or two subscriptions each, up to six states in the 100 days around T, and a few invoices.</summary>
    private static async Task RandomHistoryAsync(MirrorWriter mirror, Random random, string prefix)
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
    private static async Task ReactivationsAsync(MirrorWriter mirror, string prefix)
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

    private static PriceRecord Price(string prefix, string currency, int k) => new(
        $"{prefix}_price_{currency}_{k}", null, currency, 500 * (k + 1), 500m * (k + 1), "recurring", "per_unit", k == 2 ? "year" : "month", 1, "licensed",
        null, true, null, null, false, T.AddDays(-300));

    private static SubscriptionRecord Sub(string id, string customer, string status, PriceRecord price, long quantity, DateTimeOffset? trialEnd, DateTimeOffset? ended) => new(
        id, customer, status, price.Currency, [new SubscriptionItemRecord("si_" + id, price, quantity, null, null, T.AddDays(-200))], [], false, null, ended, ended,
        trialEnd is null ? null : T.AddDays(-200), trialEnd, null, null, T.AddDays(-200), new Dictionary<string, string>());

    private static InvoiceRecord Paid(string id, string customer, DateTimeOffset paidAt, long amount, string currency = "usd") => new(
        id, customer, null, null, "paid", amount, amount, 0, amount, amount, currency, "manual", paidAt, null, null, paidAt, null, null);

    private async Task WriteAsync(Func<MirrorWriter, Task> write)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        await write(scope.ServiceProvider.GetRequiredService<MirrorWriter>());
        await scope.ServiceProvider.GetRequiredService<TallyDbContext>().SaveChangesAsync(Ct);
    }

    /// <summary>Every instant's answer from the projection equals the direct one; returns the usd movements at T (minor units).</summary>
    private async Task<Movements> AssertSameAsync(string when)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var reports = scope.ServiceProvider.GetRequiredService<RevenueReports>();
        var projected = scope.ServiceProvider.GetRequiredService<ProjectedRevenue>();
        var data = scope.ServiceProvider.GetRequiredService<RevenueData>();
        var policy = new RevenueOptions().ToPolicy();
        Movements? atT = null;
        foreach (var t in Instants)
        {
            var facts = await projected.FactsAsync(t.AddDays(-30), t, policy, Ct);
            Assert.NotNull(facts);
            var window = await data.LoadAsync(t.AddDays(-30), t, Ct);
            var start = MrrSnapshot.At(window, t.AddDays(-30), policy);
            var end = MrrSnapshot.At(window, t, policy);
            var paying = await data.PaidBeforeAsync([.. start.ByCustomer.Keys.Concat(end.ByCustomer.Keys).Select(k => k.Customer).Distinct()], t.AddDays(-30), Ct);
            var direct = Movements.Between(start, end, paying);
            foreach (var currency in direct.Keys.Union(facts.Movements.Keys))
            {
                var (d, p) = (direct.GetValueOrDefault(currency, Movements.Zero), facts.Movements.GetValueOrDefault(currency, Movements.Zero));
                Assert.True(Same(d, p), $"{when}, {currency} at {t:O}: direct {d}, projected {p}");
            }

            var (fast, slow) = (await reports.ComputeAsync(t, policy, Ct), await reports.ComputeDirectAsync(t, policy, Ct));
            Assert.True(Normalized(slow) == Normalized(fast), $"{when}, at {t:O}:\n{Normalized(slow)}\n{Normalized(fast)}");
            if (t == T)
            {
                atT = direct.GetValueOrDefault("usd", Movements.Zero);
            }
        }

        return atT!;
    }

    private static bool Same(Movements a, Movements b) =>
        new[] { a.New - b.New, a.Reactivation - b.Reactivation, a.Expansion - b.Expansion, a.Contraction - b.Contraction, a.Churn - b.Churn }.All(x => Math.Abs(x) < 0.000001m);

    private async Task<string> RowsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var events = (await db.Set<MrrEvent>().AsNoTracking().ToListAsync(Ct))
            .Select(e => $"{e.CustomerId} {e.Currency} {e.Cohort} {e.At:O} {e.Before:0.############} {e.After:0.############} {e.PreviousAt:O} {e.NextAt:O} {e.EarlierAt:O} {e.PreviousBefore:0.############} {e.PairFromZero:0.############} {e.PairExpansion:0.############} {e.PairContraction:0.############} {e.PairChurn:0.############} {e.Repeat} {e.FromZero}");
        var deltas = (await db.Set<MrrDailyDelta>().AsNoTracking().ToListAsync(Ct))
            .Select(d => $"{d.Day:O} {d.Currency} {d.Cohort} {d.MovedFromZero:0.############} {d.MovedExpansion:0.############} {d.MovedContraction:0.############} {d.MovedChurn:0.############}")
            .Where(line => !line.EndsWith(" 0 0 0 0", StringComparison.Ordinal));
        return string.Join('\n', events.Concat(deltas).Order(StringComparer.Ordinal));
    }

    private static string Normalized<TValue>(TValue value) => Normalize(JsonSerializer.SerializeToElement(value, TallyFactory.Json));

    private static string Normalize(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => $"{p.Name}:{Normalize(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Normalize)) + "]",
        JsonValueKind.Number => e.GetDecimal().ToString("0.############", CultureInfo.InvariantCulture),
        _ => e.GetRawText(),
    };
}
