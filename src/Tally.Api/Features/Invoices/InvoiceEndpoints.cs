using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Http;
using Tally.Api.Infrastructure.OpenApi;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Invoices;

internal static class InvoiceEndpoints
{
    public static void MapInvoices(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/billing").WithTags("Invoices").RequireRole(Role.Viewer);
        group.MapGet("/invoices", ListAsync).WithName("ListInvoices").ProducesProblems(400, 404);
        group.MapGet("/invoice/{id}/pdf", PdfAsync).WithName("GetInvoicePdf")
            .Produces(StatusCodes.Status200OK, contentType: "application/pdf").RequireStripeRateLimit().ProducesProblems(404, 409, 429, 502);
    }

    /// <summary>
    /// The caller's invoices from the mirror, newest first. An admin may name another user with
    /// <c>?user_id=</c>; anyone else naming a user other than themselves gets 403 (the capability, not a resource, is missing).
    /// </summary>
    private static async Task<Results<Ok<Page<InvoiceResponse>>, ProblemHttpResult>> ListAsync(
        HttpContext http, TallyDbContext db, UserAccounts users, int? limit, string? cursor, [FromQuery(Name = "user_id")] long? userId,
        CancellationToken ct)
    {
        if (!PageRequest.TryParse(limit, null, "invoices", out var page, out var problem))
        {
            return problem!;
        }

        InvoiceCursor? after = null;
        if (!string.IsNullOrEmpty(cursor))
        {
            if (!InvoiceCursor.TryDecode(cursor, out var decoded))
            {
                return Problems.Validation("cursor", "is not a cursor returned by this endpoint.");
            }

            after = decoded;
        }

        var me = http.CurrentUser().Id;
        var target = userId ?? me;
        if (target != me && !http.User.HasAtLeast(Role.Admin))
        {
            return Problems.Result(StatusCodes.Status403Forbidden, "forbidden", "Only admins may list another user's invoices.");
        }

        var owner = await users.FindAsync(target, ct);
        if (owner is null)
        {
            return Problems.NotFound("user_not_found", $"No user has id {target}.");
        }

        var customerId = owner.StripeCustomerId;
        var query = db.MirroredInvoices().Where(i => i.UserId == target || (customerId != null && i.StripeCustomerId == customerId));
        if (after is { } a)
        {
            query = query.Where(i => i.StripeCreated < a.Created || (i.StripeCreated == a.Created && i.Id < a.Id));
        }

        var rows = await query.OrderByDescending(i => i.StripeCreated).ThenByDescending(i => i.Id).Take(page.Limit + 1).ToListAsync(ct);
        var hasMore = rows.Count > page.Limit;
        var data = rows.Take(page.Limit).ToList();
        var next = hasMore ? new InvoiceCursor(data[^1].StripeCreated, data[^1].Id).Encode() : null;
        return TypedResults.Ok(new Page<InvoiceResponse>(data.Select(i => i.ToResponse()).ToList(), hasMore, next));
    }

    /// <summary>
    /// The invoice's PDF, for its owner or an admin; anyone else and unknown ids get the same 404.
    /// The invoice is read fresh from Stripe (PDF URLs expire, and the mirror may not have it yet).
    /// </summary>
    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> PdfAsync(
        [FromRoute(Name = "id")] string stripeInvoiceId, HttpContext http, TallyDbContext db, UserAccounts users,
        StripeGateway gateway, InvoicePdfSource pdfs, ILoggerFactory loggers, CancellationToken ct)
    {
        var notFound = Problems.NotFound("invoice_not_found", "No such invoice.");
        if (!StripeIds.IsWellFormed(stripeInvoiceId, "in_"))
        {
            return notFound;
        }

        var me = http.CurrentUser().Id;
        var admin = http.User.HasAtLeast(Role.Admin);
        var myCustomer = await users.StripeCustomerIdOfAsync(me, ct);
        var stored = await db.MirroredInvoices().Where(i => i.StripeInvoiceId == stripeInvoiceId)
            .Select(i => new { i.UserId, i.StripeCustomerId }).FirstOrDefaultAsync(ct);
        var mirroredAsMine = stored is not null && (stored.UserId == me || (myCustomer != null && stored.StripeCustomerId == myCustomer));
        if (!admin && (stored is null ? myCustomer is null : !mirroredAsMine))
        {
            // Known to be someone else's, or the caller has no customer at all: no need to ask Stripe.
            return notFound;
        }

        var invoice = await gateway.GetInvoiceAsync(stripeInvoiceId, ct);
        if (invoice is null || (!admin && !mirroredAsMine && invoice.CustomerId != myCustomer))
        {
            return notFound;
        }

        if (invoice.InvoicePdf is null)
        {
            return Problems.Conflict("invoice_not_finalized", "The invoice is still a draft; its PDF exists once Stripe finalizes it.");
        }

        var download = await pdfs.OpenAsync(invoice.InvoicePdf, ct);
        if (download.Outcome != PdfOutcome.Ok)
        {
            loggers.CreateLogger(typeof(InvoiceEndpoints)).LogWarning("Invoice {StripeInvoiceId} PDF not served: {Outcome}", invoice.Id, download.Outcome);
            return download.Outcome switch
            {
                PdfOutcome.HostNotAllowed => Problems.Result(StatusCodes.Status502BadGateway, "pdf_host_not_allowed",
                    "Stripe gave a PDF address outside the allowed hosts; it was not fetched."),
                PdfOutcome.TooLarge => Problems.Result(StatusCodes.Status502BadGateway, "pdf_too_large",
                    $"The invoice PDF exceeds {InvoicePdfSource.MaxBytes} bytes."),
                PdfOutcome.NotPdf => Problems.Result(StatusCodes.Status502BadGateway, "invalid_pdf", "The invoice PDF host did not answer with a PDF."),
                _ => Problems.Result(StatusCodes.Status502BadGateway, "stripe_unavailable", "The invoice PDF could not be fetched from Stripe; try again shortly."),
            };
        }

        var headers = http.Response.Headers;
        headers.ContentDisposition = $"attachment; filename=\"{FileName(invoice.Number ?? invoice.Id)}.pdf\"";
        headers.CacheControl = "private, no-store";
        headers.XContentTypeOptions = "nosniff";
        if (download.Length is { } length)
        {
            http.Response.ContentLength = length;
        }

        return TypedResults.Stream(download.Content!, "application/pdf");
    }

    private static string FileName(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
}
