using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Revenue;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Revenue;

/// <summary>
/// The projection (Revenue's MRR intervals and daily deltas) answers exactly what the history answers directly:
/// on the worked dataset as its webhooks built it, after further webhooks change it (incremental catch-up), and
/// after a rebuild from scratch, which must also leave the same rows.
/// </summary>
public sealed class RevenueProjectionTests(RevenueDatasetFactory factory) : IClassFixture<RevenueDatasetFactory>
{
    private static readonly DateTimeOffset T = new(2025, 7, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset[] Instants =
    [
        T, T.AddDays(-30), T.AddDays(1), T.AddDays(45), new(2025, 6, 15, 10, 0, 0, TimeSpan.Zero), new(2025, 6, 10, 12, 0, 0, TimeSpan.Zero),
        new(2025, 3, 10, 10, 0, 1, TimeSpan.Zero), new(2024, 12, 31, 23, 59, 59, TimeSpan.Zero),
    ];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Projection_AnswersAsTheHistory_AfterFurtherWebhooks_AndAfterARebuild()
    {
        await AssertSameAsync("as built from the dataset's webhooks");
        var before = await FactsAsync(T.AddDays(1));

        // Further webhooks: 2 more seats on one subscription, another canceled now, a 50 % coupon on a third.
        var active = (await factory.Stripe.V1.Subscriptions.ListAsync(new SubscriptionListOptions { Status = "active", Limit = 100 }, cancellationToken: Ct))
            .Data.OrderBy(s => s.Id, StringComparer.Ordinal).ToList();
        Assert.True(active.Count >= 3);
        var seats = active[0].Items.Data[0];
        await factory.Stripe.V1.Subscriptions.UpdateAsync(active[0].Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = seats.Id, Quantity = seats.Quantity + 2 }], ProrationBehavior = "none",
        }, cancellationToken: Ct);
        await factory.Stripe.V1.Subscriptions.CancelAsync(active[1].Id, cancellationToken: Ct);
        var half = await factory.Stripe.V1.Coupons.CreateAsync(new CouponCreateOptions { PercentOff = 50m, Duration = "forever" }, cancellationToken: Ct);
        await factory.Stripe.V1.Subscriptions.UpdateAsync(active[2].Id, new SubscriptionUpdateOptions
        {
            Discounts = [new SubscriptionDiscountOptions { Coupon = half.Id }],
        }, cancellationToken: Ct);
        await WebhookKit.DrainedAsync(factory);

        await AssertSameAsync("after further webhooks");
        Assert.NotEqual(Normalized(before), Normalized(await FactsAsync(T.AddDays(1))));
        var incremental = await RowsAsync();

        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var projection = scope.ServiceProvider.GetRequiredService<RevenueProjection>();
            await projection.RebuildAsync(Ct);
            Assert.True(await projection.CatchUpAsync(1000, Ct));
        }

        Assert.Equal(incremental, await RowsAsync());
        await AssertSameAsync("after a rebuild");
    }

    private async Task AssertSameAsync(string when)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var reports = scope.ServiceProvider.GetRequiredService<RevenueReports>();
        var projection = scope.ServiceProvider.GetRequiredService<RevenueProjection>();
        var projected = scope.ServiceProvider.GetRequiredService<ProjectedRevenue>();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var data = scope.ServiceProvider.GetRequiredService<RevenueData>();
        var policy = new RevenueOptions().ToPolicy();
        Assert.True(projection.Serves(policy) && await projection.ReadyAsync(Ct), $"the projection serves the default policy {when}");
        Assert.True(await db.Set<CustomerMrrInterval>().AnyAsync(Ct));
        foreach (var t in Instants)
        {
            Assert.NotNull(await projected.FactsAsync(t.AddDays(-30), t, policy, Ct));
            var fast = await reports.ComputeAsync(t, policy, Ct);
            var direct = await reports.ComputeDirectAsync(t, policy, Ct);
            Assert.True(Normalized(direct) == Normalized(fast), $"{when}, at {t:O}:\n{Normalized(direct)}\n{Normalized(fast)}");
        }

        var end = T.AddDays(45);
        var months = Enumerable.Range(0, 15).Select(k => new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(k)).ToList();
        var cohorts = await CohortFacts.ProjectedAsync(db, projection, projected, months, end, policy, Ct);
        var reference = CohortFacts.Direct(await data.LoadAsync(DateTimeOffset.UnixEpoch, end, Ct), months, end, policy);
        Assert.NotNull(cohorts);
        Assert.Equal(reference.Members, cohorts.Members);
        Assert.Equal(Normalized(reference.Cells.OrderBy(c => c.Key).Select(c => new { c.Key, c.Value.Active, Minor = c.Value.Minor.OrderBy(m => m.Key) })),
            Normalized(cohorts.Cells.OrderBy(c => c.Key).Select(c => new { c.Key, c.Value.Active, Minor = c.Value.Minor.OrderBy(m => m.Key) })));
    }

    private async Task<RevenueResponse> FactsAsync(DateTimeOffset t)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RevenueReports>().ComputeAsync(t, new RevenueOptions().ToPolicy(), Ct);
    }

    private async Task<string> RowsAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TallyDbContext>();
        var mrr = (await db.Set<CustomerMrrInterval>().AsNoTracking().ToListAsync(Ct))
            .Select(r => $"{r.CustomerId} {r.Currency} {r.Cohort} {r.ValidFrom:O} {r.ValidTo:O} {r.Mrr:0.############} {r.ActiveSubscriptions} {r.ScheduledToCancel:0.############}")
            .Order(StringComparer.Ordinal);
        var deltas = (await db.Set<MrrDailyDelta>().AsNoTracking().ToListAsync(Ct))
            .Where(d => Math.Round(d.Mrr, 12) != 0 || d.ActiveCustomers != 0 || d.ActiveSubscriptions != 0 || Math.Round(d.ScheduledToCancel, 12) != 0 || d.Present != 0)
            .Select(d => $"{d.Day:O} {d.Currency} {d.Cohort} {d.Mrr:0.############} {d.ActiveCustomers} {d.ActiveSubscriptions} {d.ScheduledToCancel:0.############} {d.Present}")
            .Order(StringComparer.Ordinal);
        var moved = (await db.Set<MrrDailyDelta>().AsNoTracking().ToListAsync(Ct))
            .Select(d => $"{d.Day:O} {d.Currency} {d.Cohort} moved {d.MovedFromZero:0.############} {d.MovedExpansion:0.############} {d.MovedContraction:0.############} {d.MovedChurn:0.############}")
            .Where(line => !line.EndsWith(" 0 0 0 0", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        var events = (await db.Set<MrrEvent>().AsNoTracking().ToListAsync(Ct))
            .Select(e => $"{e.CustomerId} {e.Currency} {e.Cohort} {e.At:O} {e.Before:0.############} {e.After:0.############} {e.PreviousAt:O} {e.NextAt:O} {e.EarlierAt:O} {e.PreviousBefore:0.############} {e.PairFromZero:0.############} {e.PairExpansion:0.############} {e.PairContraction:0.############} {e.PairChurn:0.############} {e.Repeat} {e.FromZero}")
            .Order(StringComparer.Ordinal);
        return string.Join('\n', mrr.Concat(deltas).Concat(moved).Concat(events));
    }

    /// <summary>JSON with every number printed at 12 decimals: the two paths may carry different trailing zeros.</summary>
    private static string Normalized<TValue>(TValue value) => Normalize(JsonSerializer.SerializeToElement(value, TallyFactory.Json));

    private static string Normalize(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "{" + string.Join(",", e.EnumerateObject().Select(p => $"{p.Name}:{Normalize(p.Value)}")) + "}",
        JsonValueKind.Array => "[" + string.Join(",", e.EnumerateArray().Select(Normalize)) + "]",
        JsonValueKind.Number => e.GetDecimal().ToString("0.############", System.Globalization.CultureInfo.InvariantCulture),
        _ => e.GetRawText(),
    };
}
