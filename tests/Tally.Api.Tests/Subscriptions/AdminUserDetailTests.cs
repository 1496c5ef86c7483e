using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Subscriptions;

/// <summary><c>GET /api/admin/users/{id}</c>: a user with a paid invoice, a metered subscription and usage this period.</summary>
public sealed class AdminUserDetailTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task UserDetail_ShowsRoleSubscriptionsInvoicesWithAnAdminUsablePdfLink_AndLiveUsage()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        Assert.Equal(HttpStatusCode.Accepted, (await ReportAsync(arranged.Owner, new { quantity = 7 })).StatusCode);

        var body = await Eventually.ValueAsync(
            async () => await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users/{arranged.OwnerId}", TallyFactory.Json, Ct),
            b => b.GetProperty("invoices").GetProperty("data").EnumerateArray().Any(i => i.GetProperty("stripe_invoice_id").GetString() == arranged.Invoice.Id),
            "the paid invoice mirrored");

        Assert.Equal(arranged.OwnerId, body.GetProperty("id").GetInt64());
        Assert.Equal("editor", body.GetProperty("role").GetString());
        Assert.Equal(arranged.CustomerId, body.GetProperty("stripe_customer_id").GetString());
        var subscription = Assert.Single(body.GetProperty("subscriptions").GetProperty("data").EnumerateArray());
        Assert.Equal(arranged.SubscriptionId, subscription.GetProperty("subscription_id").GetString());
        Assert.Equal("active", subscription.GetProperty("status").GetString());
        Assert.False(subscription.GetProperty("cancel_at_period_end").GetBoolean());
        var item = Assert.Single(subscription.GetProperty("items").EnumerateArray());
        Assert.Equal(subscription.GetProperty("price_id").GetString(), item.GetProperty("price_id").GetString());
        Assert.Equal("usd", subscription.GetProperty("currency").GetString());
        // A metered price's MRR is 0: usage revenue is reported beside MRR (Revenue's policy).
        Assert.Equal(0m, subscription.GetProperty("mrr").GetDecimal());

        var invoice = body.GetProperty("invoices").GetProperty("data").EnumerateArray().Single(i => i.GetProperty("stripe_invoice_id").GetString() == arranged.Invoice.Id);
        Assert.Equal("paid", invoice.GetProperty("status").GetString());
        Assert.Equal(42, invoice.GetProperty("total").GetInt64());
        Assert.Equal(arranged.Invoice.Number, invoice.GetProperty("number").GetString());
        var pdf = await admin.GetAsync(invoice.GetProperty("pdf_url").GetString(), Ct);
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);

        var usage = Assert.Single(body.GetProperty("usage").EnumerateArray());
        Assert.Equal(7m, usage.GetProperty("local_total").GetDecimal());
        Assert.Equal(7m, usage.GetProperty("pending_total").GetDecimal());
        var summary = await arranged.Owner.GetFromJsonAsync<JsonElement>("/api/billing/usage_summary", TallyFactory.Json, Ct);
        Assert.Equal(summary.GetProperty("items")[0].GetProperty("period_start").GetDateTimeOffset(), usage.GetProperty("period_start").GetDateTimeOffset());
    }

    [Fact]
    public async Task UserDetail_OfAUserWithoutCustomer_HasEmptyLists()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var (_, viewer) = await factory.ClientWithRoleAsync("viewer", "plain-viewer");

        var body = await admin.GetFromJsonAsync<JsonElement>($"/api/admin/users/{viewer}", TallyFactory.Json, Ct);

        Assert.Equal("plain-viewer@example.com", body.GetProperty("email").GetString());
        Assert.Equal("viewer", body.GetProperty("role").GetString());
        Assert.Equal(JsonValueKind.Null, body.GetProperty("stripe_customer_id").ValueKind);
        Assert.Equal(0, body.GetProperty("subscriptions").GetProperty("data").GetArrayLength());
        Assert.Equal(0, body.GetProperty("invoices").GetProperty("data").GetArrayLength());
        Assert.Equal(0, body.GetProperty("usage").GetArrayLength());
    }

    [Fact]
    public async Task UserDetail_OfAnUnknownUser_Is404()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/api/admin/users/987654321", Ct), HttpStatusCode.NotFound, "user_not_found");
    }
}
