namespace Tally.Api.Features.Invoices;

internal static class InvoiceRegistration
{
    public static void AddInvoices(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<InvoicePdfSource>();
        builder.Services.AddHttpClient(InvoicePdfSource.HttpClientName, c => c.Timeout = InvoicePdfSource.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // Redirects are followed by hand, and only to allow-listed hosts (InvoicePdfSource).
                AllowAutoRedirect = false,
                UseCookies = false,
                AutomaticDecompression = System.Net.DecompressionMethods.All,
                ConnectTimeout = TimeSpan.FromSeconds(10),
            })
            // The default handlers log full URLs, and a PDF URL is a bearer capability.
            .RemoveAllLoggers();
    }
}
