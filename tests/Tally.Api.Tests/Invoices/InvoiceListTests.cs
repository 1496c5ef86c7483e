using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Invoices;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Invoices;

public sealed class InvoiceListTests(TallyFactory factory) : IClassFixture<TallyFactory>
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListInvoices_OwnNewestFirst_PagedByCursor_WithTheDesignShape()
    {
        var (owner, ownerId) = await factory.ClientWithRoleAsync("viewer");
        var (other, otherId) = await factory.ClientWithRoleAsync("viewer");
        var customer = await LinkCustomerAsync(ownerId);
        var otherCustomer = await LinkCustomerAsync(otherId);
        // Two invoices share a created second (ties break by row); one is not yet linked to the user, only to the customer.
        await AddInvoicesAsync(
            Row(customer, ownerId, T0.AddDays(1), "A-1"),
            Row(customer, ownerId, T0.AddDays(3), "A-3"),
            Row(customer, null, T0.AddDays(2), "A-2"),
            Row(customer, ownerId, T0.AddDays(2), "A-2b"),
            Row(otherCustomer, otherId, T0.AddDays(5), "B-1"));

        var numbers = new List<string>();
        string? cursor = null;
        do
        {
            var page = await owner.GetFromJsonAsync<JsonElement>($"/api/billing/invoices?limit=3{(cursor is null ? "" : $"&cursor={cursor}")}", TallyFactory.Json, Ct);
            numbers.AddRange(page.GetProperty("data").EnumerateArray().Select(i => i.GetProperty("number").GetString()!));
            cursor = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("next_cursor").GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(["A-3", "A-2b", "A-2", "A-1"], numbers);
        var first = (await owner.GetFromJsonAsync<JsonElement>("/api/billing/invoices?limit=1", TallyFactory.Json, Ct)).GetProperty("data")[0];
        Assert.Equal(
            ["stripe_invoice_id", "number", "status", "amount_due", "amount_paid", "currency", "created", "paid_at", "period_start", "period_end", "hosted_invoice_url"],
            first.EnumerateObject().Select(p => p.Name));
        Assert.Equal(1234, first.GetProperty("amount_due").GetInt64());
        Assert.Equal(T0.AddDays(3), first.GetProperty("created").GetDateTimeOffset());

        var theirs = await other.GetFromJsonAsync<JsonElement>("/api/billing/invoices", TallyFactory.Json, Ct);
        Assert.Equal("B-1", Assert.Single(theirs.GetProperty("data").EnumerateArray()).GetProperty("number").GetString());
    }

    [Fact]
    public async Task ListInvoices_AnotherUsersId_Is403ForNonAdmins_AndAllowedForAdmins()
    {
        var (owner, ownerId) = await factory.ClientWithRoleAsync("editor");
        var customer = await LinkCustomerAsync(ownerId);
        await AddInvoicesAsync(Row(customer, ownerId, T0, "C-1"));
        var (snoop, _) = await factory.ClientWithRoleAsync("editor");
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var refused = await snoop.GetAsync($"/api/billing/invoices?user_id={ownerId}", Ct);
        var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.Forbidden, "forbidden");
        Assert.DoesNotContain("C-1", problem.ToString(), StringComparison.Ordinal);

        var own = await owner.GetFromJsonAsync<JsonElement>($"/api/billing/invoices?user_id={ownerId}", TallyFactory.Json, Ct);
        Assert.Single(own.GetProperty("data").EnumerateArray());
        var seen = await admin.GetFromJsonAsync<JsonElement>($"/api/billing/invoices?user_id={ownerId}", TallyFactory.Json, Ct);
        Assert.Equal("C-1", Assert.Single(seen.GetProperty("data").EnumerateArray()).GetProperty("number").GetString());
        await ProblemAssert.IsProblemAsync(await admin.GetAsync("/api/billing/invoices?user_id=987654321", Ct), HttpStatusCode.NotFound, "user_not_found");
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("cursor=bm90LWEtY3Vyc29y", "cursor")]
    public async Task ListInvoices_BadQuery_Is400NamingTheField(string query, string field)
    {
        var (client, _) = await factory.ClientWithRoleAsync("viewer");

        var answer = await client.GetAsync($"/api/billing/invoices?{query}", Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    private async Task<string> LinkCustomerAsync(long userId)
    {
        var customer = $"cus_list{Guid.NewGuid():N}";
        await factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.StripeCustomerId, customer), Ct));
        return customer;
    }

    private Task AddInvoicesAsync(params Invoice[] rows) => factory.WithDbAsync(async db =>
    {
        db.AddRange(rows);
        await db.SaveChangesAsync(Ct);
    });

    private static Invoice Row(string customer, long? userId, DateTimeOffset created, string number) => new()
    {
        StripeInvoiceId = $"in_{Guid.NewGuid():N}",
        StripeCustomerId = customer,
        UserId = userId,
        Number = number,
        Status = "paid",
        AmountDue = 1234,
        AmountPaid = 1234,
        Total = 1234,
        Currency = "usd",
        StripeCreated = created,
        PeriodStart = created.AddMonths(-1),
        PeriodEnd = created,
        PaidAt = created.AddHours(1),
        HostedInvoiceUrl = "https://invoice.stripe.com/i/test",
        SourceTimestamp = created,
        UpdatedAt = created,
    };
}
