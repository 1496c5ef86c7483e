using System.Net;
using System.Text;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Core;
using static Tally.StripeEmulator.Billing.Api.BillingEndpoints;

namespace Tally.StripeEmulator.Billing.Api;

internal static class InvoiceEndpoints
{
    public static void Map(RouteTable routes)
    {
        routes.Get("/v1/invoices", Handler(List));
        routes.Post("/v1/invoices", Handler(Create));
        routes.Post("/v1/invoices/create_preview", Handler((req, e) => req.Ok(e.Json.Invoice(
            e.PreviewInvoice(req.Params.Text("customer"), req.Params.Text("subscription"))))));
        routes.Post("/v1/invoiceitems", Handler(CreateItem));
        routes.Get("/v1/invoiceitems/{id}", Handler((req, e) => req.Ok(e.Json.InvoiceItem(e.GetInvoiceItem(req.Route("id"))))));
        routes.Get("/v1/invoices/{id}", Handler((req, e) => req.Ok(e.Json.Invoice(e.GetInvoice(req.Route("id"))))));
        routes.Get("/v1/invoices/{id}/lines", Handler(Lines));
        routes.Post("/v1/invoices/{id}/finalize", Handler((req, e) => req.Ok(e.Json.Invoice(e.FinalizeInvoice(req.Route("id"))))));
        routes.Post("/v1/invoices/{id}/pay", Handler((req, e) => req.Ok(e.Json.Invoice(
            e.PayInvoice(req.Route("id"), req.Params.Text("payment_method"), req.Params.Bool("paid_out_of_band") ?? false)))));
        routes.Post("/v1/invoices/{id}/void", Handler((req, e) => req.Ok(e.Json.Invoice(e.VoidInvoice(req.Route("id"))))));
        routes.Get("/invoice/{acct}/{token}/pdf", req => Public(req, pdf: true), RouteAuth.None);
        routes.Get("/invoice/{acct}/{token}", req => Public(req, pdf: false), RouteAuth.None);
    }

    private static ApiResult List(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var status = p.Text("status");
        if (status is not (null or "draft" or "open" or "paid" or "uncollectible" or "void"))
        {
            throw StripeError.Invalid("Invalid status: must be one of draft, open, paid, uncollectible, or void", "status");
        }

        var created = Lists.Created(p);
        var invoices = e.ListInvoices(p.Text("customer"), p.Text("subscription"), status);
        return Lists.Page(req, invoices.Select(e.Json.Invoice).Where(created).ToList(), "/v1/invoices");
    }

    private static ApiResult Create(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var customer = p.Required("customer");
        var behavior = p.OneOf("pending_invoice_items_behavior", "exclude", "exclude", "include");
        return req.Ok(e.Json.Invoice(e.CreateDraftInvoice(customer, p.Text("currency")?.ToLowerInvariant(), behavior == "include", p.Bool("auto_advance") ?? false)));
    }

    private static ApiResult CreateItem(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var quantity = p.Decimal("quantity_decimal") ?? p.Long("quantity") ?? 1;
        if (quantity <= 0)
        {
            throw StripeError.Invalid("Invalid quantity: must be greater than 0", "quantity");
        }

        var item = e.CreateInvoiceItem(new BillingEngine.InvoiceItemRequest(
            p.Required("customer"), p.Text("invoice"), p.Obj("pricing")?.Text("price"), p.Long("amount"), p.Decimal("unit_amount_decimal"),
            p.Text("currency")?.ToLowerInvariant(), quantity, p.Text("description"),
            p.Map("metadata").Where(kv => kv.Value.Length > 0).ToDictionary(kv => kv.Key, kv => kv.Value)));
        return req.Ok(e.Json.InvoiceItem(item));
    }

    private static ApiResult Lines(ApiRequest req, BillingEngine e)
    {
        var inv = e.GetInvoice(req.Route("id"));
        var lines = inv.Lines.Select(l => e.Json.Line(inv, l)).ToList();
        return Lists.Page(req, lines, $"/v1/invoices/{inv.Id}/lines");
    }

    /// <summary>The public invoice URLs: no API key, the account is named in the path (as on pay.stripe.com).</summary>
    private static ApiResult Public(ApiRequest req, bool pdf)
    {
        var account = req.Emulator.FindAccount(req.Route("acct"))
            ?? throw new StripeError(404, "invalid_request_error", "Invoice not found.");
        return req.Locked(account, () =>
        {
            var engine = BillingModule.Engine(account);
            var inv = engine.FindInvoiceByPdfToken(req.Route("token"));
            if (inv is null || inv.Status == "draft")
            {
                throw new StripeError(404, "invalid_request_error", "Invoice not found.");
            }

            if (pdf)
            {
                return ApiResult.Raw(engine.Json.Pdf(inv), "application/pdf");
            }

            var rows = string.Concat(inv.Lines.Select(l =>
                $"<tr><td>{WebUtility.HtmlEncode(l.Description)}</td><td>{l.Quantity}</td><td>{BillingEngine.Money(l.Amount, inv.Currency)}</td></tr>"));
            var html = $"<!doctype html><html><head><meta charset=\"utf-8\"><title>Invoice {inv.Number}</title></head><body>" +
                $"<h1>Invoice {WebUtility.HtmlEncode(inv.Number)}</h1><p>Status: {inv.Status}</p><table>{rows}</table>" +
                $"<p>Total: {BillingEngine.Money(inv.Total, inv.Currency)}</p><p><a href=\"{engine.Json.PdfUrl(inv)}\">Download PDF</a></p></body></html>";
            return ApiResult.Raw(Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8");
        });
    }
}
