using System.Net;
using System.Text.Json;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.LedgerRows;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

/// <summary><c>GET /api/admin/usage/top_customers</c> at a known instant.</summary>
public sealed class UsageTopCustomersTests(ClockedTallyFactory factory) : IClassFixture<ClockedTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TopCustomers_AreOrderedByUsageInTheirCurrentPeriod_WithEmailAndCustomer()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var (_, small) = await factory.ClientWithRoleAsync("viewer", "top-small");
        var (_, big) = await factory.ClientWithRoleAsync("viewer", "top-big");
        var (_, middle) = await factory.ClientWithRoleAsync("viewer", "top-middle");
        var now = factory.Clock.GetUtcNow();
        var (start, end) = (now.AddDays(-3), now.AddDays(27));
        await AddAsync(factory,
            Record(small, now.AddHours(-1), quantity: 5, customer: "cus_small", periodStart: start, periodEnd: end),
            Record(big, now.AddHours(-2), quantity: 30, customer: "cus_big", periodStart: start, periodEnd: end),
            Record(big, now.AddHours(-1), quantity: 12.5m, customer: "cus_big", periodStart: start, periodEnd: end),
            Record(big, now.AddMinutes(-5), quantity: -2.5m, customer: "cus_big", periodStart: start, periodEnd: end, kind: UsageKind.Correction),
            Record(middle, now.AddHours(-3), quantity: 20, customer: "cus_middle", periodStart: start, periodEnd: end),
            // The small customer's previous period was huge: it does not count now.
            Record(small, now.AddDays(-20), quantity: 1000, customer: "cus_small", periodStart: start.AddDays(-30), periodEnd: start));

        var body = await JsonAsync(await admin.GetAsync("/api/admin/usage/top_customers", Ct));
        var two = await JsonAsync(await admin.GetAsync("/api/admin/usage/top_customers?limit=2", Ct));

        var rows = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["cus_big", "cus_middle", "cus_small"], rows.Select(r => r.GetProperty("stripe_customer_id").GetString()));
        Assert.Equal([40m, 20m, 5m], rows.Select(r => r.GetProperty("quantity").GetDecimal()));
        Assert.Equal([big, middle, small], rows.Select(r => r.GetProperty("user_id").GetInt64()));
        Assert.Equal(["top-big@example.com", "top-middle@example.com", "top-small@example.com"], rows.Select(r => r.GetProperty("email").GetString()));
        Assert.Equal(3, rows[0].GetProperty("records").GetInt32());
        Assert.Equal("api_calls", rows[0].GetProperty("meter_event_name").GetString());
        Assert.Equal(start, rows[0].GetProperty("period_start").GetDateTimeOffset());
        Assert.Equal(["cus_big", "cus_middle"], two.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("stripe_customer_id").GetString()));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("ten")]
    public async Task TopCustomers_LimitOutOfRange_IsValidationFailed(string limit)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var problem = await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/admin/usage/top_customers?limit={limit}", Ct),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _), problem.ToString());
    }
}

/// <summary><c>GET /api/admin/usage/records</c> and <c>/corrections</c>: every user's records by state, newest first.</summary>
public sealed class UsageAdminListTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Records_AreFilteredByState_NewestFirst_AndPaged()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var at = DateTimeOffset.UtcNow.AddHours(-1);
        await AddAsync(factory,
            Record(7, at, status: UsageStatus.Failed, customer: "cus_f1", note: "Stripe said no"),
            Record(7, at, reportedAt: at.AddMinutes(1), customer: "cus_d1"),
            Record(8, at, status: UsageStatus.Failed, customer: "cus_f2"),
            Record(8, at, late: true, customer: "cus_l1"),
            Record(9, at, customer: "cus_p1"),
            Record(9, at, status: UsageStatus.Failed, customer: "cus_f3"));

        var failed = await JsonAsync(await admin.GetAsync("/api/admin/usage/records?status=failed&limit=2", Ct));
        var next = await JsonAsync(await admin.GetAsync($"/api/admin/usage/records?status=failed&limit=2&cursor={failed.GetProperty("next_cursor").GetString()}", Ct));
        var delivered = await JsonAsync(await admin.GetAsync("/api/admin/usage/records?status=delivered", Ct));
        var late = await JsonAsync(await admin.GetAsync("/api/admin/usage/records?status=late", Ct));
        var pending = await JsonAsync(await admin.GetAsync("/api/admin/usage/records?status=pending", Ct));
        var all = await JsonAsync(await admin.GetAsync("/api/admin/usage/records", Ct));

        Assert.Equal(["si_cus_f3", "si_cus_f2"], Items(failed));
        Assert.True(failed.GetProperty("has_more").GetBoolean());
        Assert.Equal(["si_cus_f1"], Items(next));
        Assert.False(next.GetProperty("has_more").GetBoolean());
        Assert.Equal("Stripe said no", next.GetProperty("data")[0].GetProperty("note").GetString());
        Assert.Equal(["si_cus_d1"], Items(delivered));
        Assert.Equal("reported", delivered.GetProperty("data")[0].GetProperty("status").GetString());
        Assert.Equal(["si_cus_l1"], Items(late));
        Assert.Equal(["si_cus_l1", "si_cus_p1"], Items(pending).Order());
        Assert.Equal(6, all.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("status=lost", "status")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task Records_BadInput_IsValidationFailed(string query, string field)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var problem = await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/admin/usage/records?{query}", Ct),
            HttpStatusCode.BadRequest, "validation_failed");

        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
    }

    private static List<string?> Items(JsonElement page) =>
        [.. page.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("stripe_subscription_item_id").GetString())];
}

/// <summary><c>GET /api/admin/usage/corrections</c> (its own database: the records list above counts every record).</summary>
public sealed class UsageCorrectionListTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Corrections_ListOnlyCorrections_NewestFirst_WithReasonAndActor()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var at = DateTimeOffset.UtcNow.AddHours(-2);
        await AddAsync(factory,
            Record(11, at, kind: UsageKind.Correction, quantity: -4, customer: "cus_c1", note: "double import", actor: "ops@example.com"),
            Record(11, at, quantity: 9, customer: "cus_c1"),
            Record(12, at.AddMinutes(1), kind: UsageKind.Correction, quantity: 3, customer: "cus_c2", note: "missed batch", actor: "cfo@example.com",
                reportedAt: at.AddMinutes(2)));

        var body = await JsonAsync(await admin.GetAsync("/api/admin/usage/corrections", Ct));
        var first = await JsonAsync(await admin.GetAsync("/api/admin/usage/corrections?limit=1", Ct));

        var rows = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["missed batch", "double import"], rows.Select(r => r.GetProperty("reason").GetString()));
        Assert.Equal(["cfo@example.com", "ops@example.com"], rows.Select(r => r.GetProperty("actor").GetString()));
        Assert.Equal([3m, -4m], rows.Select(r => r.GetProperty("quantity").GetDecimal()));
        Assert.Equal(["reported", "pending"], rows.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal(12, rows[0].GetProperty("user_id").GetInt64());
        Assert.True(first.GetProperty("has_more").GetBoolean());
        await ProblemAssert.IsProblemAsync(await admin.GetAsync($"/api/admin/usage/corrections?cursor={first.GetProperty("next_cursor").GetString()}x", Ct),
            HttpStatusCode.BadRequest, "validation_failed");
    }
}
