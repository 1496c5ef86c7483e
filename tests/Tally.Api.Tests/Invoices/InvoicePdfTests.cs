using System.Net;
using System.Text;
using Stripe;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;

namespace Tally.Api.Tests.Invoices;

public sealed class InvoicePdfTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task InvoicePdf_OwnerAndAdminGetTheBytes_OthersGet404()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        var path = $"/api/billing/invoice/{arranged.Invoice.Id}/pdf";
        var expected = await PaidInvoice.DirectPdfAsync(arranged.Invoice.InvoicePdf);
        factory.Emulator.Control.ClearRequests();

        var answer = await arranged.Owner.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("application/pdf", answer.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"attachment; filename=\"{arranged.Invoice.Number}.pdf\"", Assert.Single(answer.Content.Headers.GetValues("Content-Disposition")));
        var bytes = await answer.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal("%PDF", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(expected, bytes);
        Assert.Contains(factory.Emulator.Control.Requests, r => r.Path == $"/v1/invoices/{arranged.Invoice.Id}");
        Assert.Contains(factory.Emulator.Control.Requests, r => r.Path.StartsWith("/invoice/", StringComparison.Ordinal) && r.Path.EndsWith("/pdf", StringComparison.Ordinal));

        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var adminAnswer = await admin.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, adminAnswer.StatusCode);
        Assert.Equal(expected, await adminAnswer.Content.ReadAsByteArrayAsync(Ct));

        foreach (var role in new[] { "editor", "viewer" })
        {
            var (other, _) = await factory.ClientWithRoleAsync(role);
            var refused = await other.GetAsync(path, Ct);
            var problem = await ProblemAssert.IsProblemAsync(refused, HttpStatusCode.NotFound, "invoice_not_found");
            Assert.Equal("No such invoice.", problem.GetProperty("detail").GetString());
            Assert.DoesNotContain(arranged.Invoice.Number, problem.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(arranged.CustomerId, problem.ToString(), StringComparison.Ordinal);
        }

        // Another editor who has a Stripe customer of their own still gets 404, after Stripe was asked.
        var (stranger, _) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(stranger);
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync(path, Ct), HttpStatusCode.NotFound, "invoice_not_found");
    }

    [Theory]
    [InlineData("in_does_not_exist")]
    [InlineData("not-an-invoice")]
    public async Task InvoicePdf_UnknownId_Is404(string id)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        var answer = await admin.GetAsync($"/api/billing/invoice/{id}/pdf", Ct);

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.NotFound, "invoice_not_found");
    }

    [Fact]
    public async Task InvoicePdf_Draft_Is409()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        await PaidInvoice.AdvanceAsync(factory, arranged.ClockId, PaidInvoice.T0.AddMonths(2).AddMinutes(10));
        var invoices = await factory.Stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Subscription = arranged.SubscriptionId, Status = "draft" }, cancellationToken: Ct);
        var draft = Assert.Single(invoices.Data);
        Assert.Null(draft.InvoicePdf);

        var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{draft.Id}/pdf", Ct);

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.Conflict, "invoice_not_finalized");
        var (stranger, _) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(stranger);
        await ProblemAssert.IsProblemAsync(await stranger.GetAsync($"/api/billing/invoice/{draft.Id}/pdf", Ct), HttpStatusCode.NotFound, "invoice_not_found");
    }

    [Fact]
    public async Task InvoicePdf_StripeOrPdfHostDown_Is502()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        var path = $"/api/billing/invoice/{arranged.Invoice.Id}/pdf";

        factory.Emulator.Control.Outage = OutageMode.ServiceUnavailable;
        try
        {
            await ProblemAssert.IsProblemAsync(await arranged.Owner.GetAsync(path, Ct), HttpStatusCode.BadGateway, "stripe_unavailable");
        }
        finally
        {
            factory.Emulator.Control.Outage = OutageMode.None;
        }

        factory.Emulator.Control.FailNext("/invoice/", 1);
        await ProblemAssert.IsProblemAsync(await arranged.Owner.GetAsync(path, Ct), HttpStatusCode.BadGateway, "stripe_unavailable");

        var recovered = await arranged.Owner.GetAsync(path, Ct);
        Assert.Equal(HttpStatusCode.OK, recovered.StatusCode);
        Assert.Equal("%PDF", Encoding.ASCII.GetString((await recovered.Content.ReadAsByteArrayAsync(Ct)).AsSpan(0, 4)));
    }
}
