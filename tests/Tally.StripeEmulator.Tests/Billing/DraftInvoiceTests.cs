using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Billing;

/// <summary>Issue 15.11: draft invoices, one-off invoice items and upcoming-invoice previews, through Stripe.net.</summary>
public sealed class DraftInvoiceTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PendingItems_LandOnANewDraft_WhichHasNoPdfUntilFinalized()
    {
        var stripe = fx.NewClient();
        var customer = await CatalogSeed.CustomerAsync(stripe);
        var price = await stripe.V1.Prices.CreateAsync(new PriceCreateOptions { Currency = "usd", UnitAmount = 700, ProductData = new() { Name = "Setup" } }, cancellationToken: Ct);
        var fee = await stripe.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions { Customer = customer, Amount = 1500, Currency = "usd", Description = "Onboarding" }, cancellationToken: Ct);
        var setup = await stripe.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions
        {
            Customer = customer, Pricing = new InvoiceItemPricingOptions { Price = price.Id }, Quantity = 2,
        }, cancellationToken: Ct);
        Assert.Null(fee.InvoiceId);
        Assert.Equal(1400, setup.Amount);

        var draft = await stripe.V1.Invoices.CreateAsync(new InvoiceCreateOptions { Customer = customer, PendingInvoiceItemsBehavior = "include" }, cancellationToken: Ct);

        Assert.Equal("draft", draft.Status);
        Assert.Null(draft.InvoicePdf);
        Assert.Equal(2900, draft.Total);
        Assert.Equal(["Onboarding", "Setup"], draft.Lines.Data.Select(l => l.Description).Order());
        Assert.All(draft.Lines.Data, l => Assert.Equal("invoice_item_details", l.Parent.Type));
        Assert.Equal(draft.Id, (await stripe.V1.InvoiceItems.GetAsync(fee.Id, cancellationToken: Ct)).InvoiceId);

        // A later item can be put on the draft directly; an excluded draft stays empty.
        await stripe.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions { Customer = customer, Amount = 100, Currency = "usd", Invoice = draft.Id }, cancellationToken: Ct);
        Assert.Equal(3000, (await stripe.V1.Invoices.GetAsync(draft.Id, cancellationToken: Ct)).Total);
        var empty = await stripe.V1.Invoices.CreateAsync(new InvoiceCreateOptions { Customer = customer }, cancellationToken: Ct);
        Assert.Empty(empty.Lines.Data);

        var open = await stripe.V1.Invoices.FinalizeInvoiceAsync(draft.Id, cancellationToken: Ct);
        Assert.NotNull(open.InvoicePdf);
        Assert.Equal("paid", open.Status);
        var refused = await Assert.ThrowsAsync<StripeException>(() =>
            stripe.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions { Customer = customer, Amount = 1, Currency = "usd", Invoice = draft.Id }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, refused.HttpStatusCode);
    }

    [Fact]
    public async Task CreatePreview_ShowsTheNextInvoice_WithMeteredUsageSoFar_AndPendingItems_WithoutStoringIt()
    {
        var stripe = fx.NewClient();
        var customer = await CatalogSeed.CustomerAsync(stripe);
        var meter = await CatalogSeed.MeterAsync(stripe, "preview_calls");
        var seats = await CatalogSeed.PriceAsync(stripe, 1000);
        var calls = await CatalogSeed.PriceAsync(stripe, 5, meter.Id);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions
        {
            Customer = customer, Items = [new() { Price = seats, Quantity = 3 }, new() { Price = calls }],
        }, cancellationToken: Ct);
        await stripe.V1.Billing.MeterEvents.CreateAsync(new Stripe.Billing.MeterEventCreateOptions
        {
            EventName = "preview_calls", Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "40" },
        }, cancellationToken: Ct);
        await stripe.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions { Customer = customer, Amount = 250, Currency = "usd", Description = "Extra" }, cancellationToken: Ct);
        var invoicesBefore = (await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = customer }, cancellationToken: Ct)).Data.Count;

        var preview = await stripe.V1.Invoices.CreatePreviewAsync(new InvoiceCreatePreviewOptions { Subscription = sub.Id }, cancellationToken: Ct);

        Assert.Equal(sub.Id, preview.Parent.SubscriptionDetails.SubscriptionId);
        Assert.Equal(3000 + 200 + 250, preview.Total);   // 3 seats next period, 40 calls × 5 so far, the pending item
        Assert.Equal(invoicesBefore, (await stripe.V1.Invoices.ListAsync(new InvoiceListOptions { Customer = customer }, cancellationToken: Ct)).Data.Count);

        var idle = await CatalogSeed.CustomerAsync(stripe);
        var none = await Assert.ThrowsAsync<StripeException>(() =>
            stripe.V1.Invoices.CreatePreviewAsync(new InvoiceCreatePreviewOptions { Customer = idle }, cancellationToken: Ct));
        Assert.Equal("invoice_upcoming_none", none.StripeError.Code);
    }

    [Fact]
    public async Task PendingInvoiceItems_SurviveARestart()
    {
        var path = Path.Combine(Path.GetTempPath(), $"emu-items-{Guid.NewGuid():N}.json");
        var key = EmulatorFixture.NewKey();
        try
        {
            string customer, item;
            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var stripe = Clients.For(server, key, 0);
                customer = await CatalogSeed.CustomerAsync(stripe);
                item = (await stripe.V1.InvoiceItems.CreateAsync(new InvoiceItemCreateOptions { Customer = customer, Amount = 990, Currency = "eur" }, cancellationToken: Ct)).Id;
            }

            await using (var server = await StripeEmulatorServer.StartAsync(new StripeEmulatorOptions { StatePath = path }, Ct))
            {
                var stripe = Clients.For(server, key, 0);
                var draft = await stripe.V1.Invoices.CreateAsync(new InvoiceCreateOptions { Customer = customer, PendingInvoiceItemsBehavior = "include" }, cancellationToken: Ct);
                Assert.Equal("eur", draft.Currency);
                Assert.Equal(990, draft.Total);
                Assert.Equal(item, draft.Lines.Data.Single().Parent.InvoiceItemDetails.InvoiceItem);
            }
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
