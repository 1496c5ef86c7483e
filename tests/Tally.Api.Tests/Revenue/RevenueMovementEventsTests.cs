using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Revenue;
using Tally.Api.Infrastructure.Data;
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
    private static readonly DateTimeOffset T = MovementHistories.T;

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
            foreach (var price in new[] { "usd", "eur" }.SelectMany(c => Enumerable.Range(0, 3).Select(k => MovementHistories.Price(prefix, c, k))))
            {
                await mirror.UpsertPriceAsync(price, T.AddDays(-300), Ct);
            }
        });
        await WriteAsync(async mirror => await MovementHistories.RandomHistoryAsync(mirror, random, prefix));
        await WriteAsync(async mirror => await MovementHistories.ReactivationsAsync(mirror, prefix));
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
        await WriteAsync(async mirror => await mirror.UpsertInvoiceAsync(MovementHistories.Paid(prefix + "_late", prefix + "_cus_new", T.AddDays(-50), 700), T, Ct));
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
