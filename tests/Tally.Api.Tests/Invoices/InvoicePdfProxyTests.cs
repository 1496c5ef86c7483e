using System.Net;
using System.Text;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Invoices;

public sealed class InvoicePdfProxyTests(PdfProxyFactory factory) : IClassFixture<PdfProxyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static bool IsPdfRequest(Tally.StripeEmulator.RecordedRequest r) => r.Path.StartsWith("/invoice/", StringComparison.Ordinal);

    [Fact]
    public async Task InvoicePdf_UrlOnAHostOutsideTheAllowList_IsRefusedWithoutFetching()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        factory.Emulator.Control.ClearRequests();
        factory.PdfRequests.Clear();
        factory.PresentEmulatorAsLocalhost = true;
        try
        {
            var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{arranged.Invoice.Id}/pdf", Ct);

            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadGateway, "pdf_host_not_allowed");
        }
        finally
        {
            factory.PresentEmulatorAsLocalhost = false;
        }

        // Stripe was asked (and named a localhost URL), but nothing was fetched from that URL. (The webhook
        // processor may read the same invoice meanwhile, so there can be more than one such request.)
        Assert.Contains(factory.Emulator.Control.Requests, r => r.Path == $"/v1/invoices/{arranged.Invoice.Id}" && r.Status == 200);
        Assert.DoesNotContain(factory.Emulator.Control.Requests, IsPdfRequest);
        Assert.Empty(factory.PdfRequests);
    }

    [Fact]
    public async Task InvoicePdf_RedirectOutsideTheAllowList_IsNotFollowed()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        factory.Emulator.Control.ClearRequests();
        factory.PdfRequests.Clear();
        factory.RedirectPdf = uri => uri.Host == "127.0.0.1" ? new UriBuilder(uri) { Host = "localhost" }.Uri : null;
        try
        {
            var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{arranged.Invoice.Id}/pdf", Ct);

            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadGateway, "pdf_host_not_allowed");
        }
        finally
        {
            factory.RedirectPdf = null;
        }

        Assert.Equal("127.0.0.1", Assert.Single(factory.PdfRequests).Host);
        Assert.DoesNotContain(factory.Emulator.Control.Requests, IsPdfRequest);
    }

    [Fact]
    public async Task InvoicePdf_RedirectWithinTheAllowList_IsFollowed()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        factory.PdfRequests.Clear();
        factory.RedirectPdf = uri => uri.Query.Contains("hop=2", StringComparison.Ordinal) ? null : new UriBuilder(uri) { Query = "hop=2" }.Uri;
        try
        {
            var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{arranged.Invoice.Id}/pdf", Ct);

            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(await PaidInvoice.DirectPdfAsync(arranged.Invoice.InvoicePdf), await answer.Content.ReadAsByteArrayAsync(Ct));
        }
        finally
        {
            factory.RedirectPdf = null;
        }

        Assert.Equal(2, factory.PdfRequests.Count);
        Assert.Contains(factory.Emulator.Control.Requests, r => IsPdfRequest(r) && r.Query.Contains("hop=2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InvoicePdf_HostAnswersSomethingElseThanAPdf_Is502()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        // The hosted invoice page (HTML) on the same, allowed host.
        var hosted = new Uri(arranged.Invoice.HostedInvoiceUrl);
        factory.RedirectPdf = uri => uri.AbsolutePath.EndsWith("/pdf", StringComparison.Ordinal) ? hosted : null;
        try
        {
            var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{arranged.Invoice.Id}/pdf", Ct);

            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadGateway, "invalid_pdf");
        }
        finally
        {
            factory.RedirectPdf = null;
        }

        var html = await PaidInvoice.DirectPdfAsync(arranged.Invoice.HostedInvoiceUrl);
        Assert.StartsWith("<!doctype html>", Encoding.UTF8.GetString(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvoicePdf_DeclaredLargerThanTheCap_Is502WithoutRelaying()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        factory.AnswerPdf = _ =>
        {
            var content = new ByteArrayContent("%PDF-1.4"u8.ToArray());
            content.Headers.ContentLength = 21L * 1024 * 1024;
            content.Headers.ContentType = new("application/pdf");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        };
        try
        {
            var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{arranged.Invoice.Id}/pdf", Ct);

            await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadGateway, "pdf_too_large");
        }
        finally
        {
            factory.AnswerPdf = null;
        }
    }

    [Fact]
    public async Task InvoicePdf_StreamGrowingPastTheCap_IsCutOff()
    {
        var arranged = await PaidInvoice.ArrangeAsync(factory);
        const int size = 21 * 1024 * 1024;
        factory.AnswerPdf = _ =>
        {
            var bytes = new byte[size];
            "%PDF-1.4"u8.CopyTo(bytes);
            // No Content-Length: the cap can only be enforced while streaming.
            var content = new StreamContent(new UnknownLengthStream(bytes));
            content.Headers.ContentType = new("application/pdf");
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        };
        try
        {
            var received = 0L;
            var cutOff = false;
            try
            {
                using var answer = await arranged.Owner.GetAsync($"/api/billing/invoice/{arranged.Invoice.Id}/pdf", HttpCompletionOption.ResponseHeadersRead, Ct);
                Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
                await using var body = await answer.Content.ReadAsStreamAsync(Ct);
                var buffer = new byte[81920];
                int read;
                while ((read = await body.ReadAsync(buffer, Ct)) > 0)
                {
                    received += read;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                cutOff = true;
            }

            Assert.True(cutOff, $"the whole body was relayed ({received} bytes)");
            Assert.True(received < size);
        }
        finally
        {
            factory.AnswerPdf = null;
        }
    }

    /// <summary>A read-only stream that does not tell its length (so no Content-Length is sent).</summary>
    private sealed class UnknownLengthStream(byte[] data) : MemoryStream(data, writable: false)
    {
        public override bool CanSeek => false;
    }
}
