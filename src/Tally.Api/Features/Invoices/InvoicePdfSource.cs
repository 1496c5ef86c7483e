using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Invoices;

internal enum PdfOutcome
{
    Ok,
    HostNotAllowed,
    Unavailable,
    TooLarge,
    NotPdf,
}

internal sealed record PdfDownload(PdfOutcome Outcome, Stream? Content = null, long? Length = null);

/// <summary>
/// Fetches an invoice's <c>invoice_pdf</c> URL with a plain HTTP client (no Stripe key): only from the
/// allow-listed hosts (<see cref="StripeAccount.PdfHosts"/>, so Tally cannot be turned into a proxy for
/// other addresses), following redirects by hand and only within the list, capped in size and time.
/// </summary>
internal sealed class InvoicePdfSource(IHttpClientFactory clients, StripeAccount account)
{
    public const string HttpClientName = "invoice-pdf";
    public const long MaxBytes = 20 * 1024 * 1024;
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private const int MaxRedirects = 5;
    private static readonly byte[] PdfMagic = "%PDF-"u8.ToArray();

    public async Task<PdfDownload> OpenAsync(string pdfUrl, CancellationToken ct)
    {
        var uri = Uri.TryCreate(pdfUrl, UriKind.Absolute, out var parsed) && IsAllowed(parsed) ? parsed : null;
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(Timeout);
        var client = clients.CreateClient(HttpClientName);
        for (var hop = 0; ; hop++)
        {
            if (uri is null)
            {
                deadline.Dispose();
                return new(PdfOutcome.HostNotAllowed);
            }

            HttpResponseMessage response;
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, uri);
                request.Headers.Accept.ParseAdd("application/pdf");
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                deadline.Dispose();
                return new(PdfOutcome.Unavailable);
            }

            if ((int)response.StatusCode is >= 300 and < 400 && response.Headers.Location is { } location)
            {
                response.Dispose();
                if (hop == MaxRedirects)
                {
                    deadline.Dispose();
                    return new(PdfOutcome.Unavailable);
                }

                uri = Uri.TryCreate(uri, location, out var next) && IsAllowed(next) ? next : null;
                continue;
            }

            return await OpenBodyAsync(response, deadline, ct);
        }
    }

    private static async Task<PdfDownload> OpenBodyAsync(HttpResponseMessage response, CancellationTokenSource deadline, CancellationToken ct)
    {
        var outcome = !response.IsSuccessStatusCode ? PdfOutcome.Unavailable
            : response.Content.Headers.ContentLength > MaxBytes ? PdfOutcome.TooLarge
            : PdfOutcome.Ok;
        if (outcome == PdfOutcome.Ok)
        {
            try
            {
                var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                var head = new byte[PdfMagic.Length];
                var read = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, deadline.Token);
                if (read == head.Length && head.AsSpan().SequenceEqual(PdfMagic))
                {
                    // The deadline also bounds the streaming to the client: it aborts the upstream body.
                    var abort = deadline.Token.Register(response.Dispose);
                    return new(PdfOutcome.Ok, new CappedPdfStream(head, body, MaxBytes, [abort, response, deadline]), response.Content.Headers.ContentLength);
                }

                outcome = PdfOutcome.NotPdf;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                outcome = PdfOutcome.Unavailable;
            }
        }

        response.Dispose();
        deadline.Dispose();
        return new(outcome);
    }

    private bool IsAllowed(Uri uri)
    {
        if (!uri.IsAbsoluteUri || uri.Scheme is not ("https" or "http") || uri.UserInfo.Length > 0)
        {
            return false;
        }

        var authority = uri.Authority;
        if (!account.PdfHosts.Contains(authority, StringComparer.OrdinalIgnoreCase))
        {
            return false;
        }

        // Stripe's own hosts only over TLS; plain HTTP only for a configured Stripe-compatible server (the emulator).
        return uri.Scheme == "https" || !StripeRegistration.StripePdfHosts.Contains(authority, StringComparer.OrdinalIgnoreCase);
    }
}
