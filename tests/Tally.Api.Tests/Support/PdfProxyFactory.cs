using System.Collections.Concurrent;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Tally.Api.Tests.Support;

/// <summary>
/// Tally against the emulator with two test seams: the Stripe client can present the emulator under
/// another authority (<c>localhost:port</c>; the emulator then writes invoice URLs on that host, which is
/// not on Tally's allow-list <c>127.0.0.1:port</c>), and the PDF client's first hop can be answered with a redirect.
/// </summary>
public sealed class PdfProxyFactory : StripeTallyFactory
{
    /// <summary>Stripe API calls carry <c>Host: localhost:port</c>.</summary>
    public bool PresentEmulatorAsLocalhost { get; set; }

    /// <summary>For a PDF request to this URI, answer 302 to the returned URI instead (null: pass through).</summary>
    public Func<Uri, Uri?>? RedirectPdf { get; set; }

    /// <summary>Answers PDF requests itself when it returns a response (null: pass through).</summary>
    public Func<HttpRequestMessage, HttpResponseMessage?>? AnswerPdf { get; set; }

    /// <summary>Every URI the PDF client asked for, redirect hops included.</summary>
    public ConcurrentQueue<Uri> PdfRequests { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpClient("stripe").AddHttpMessageHandler(() => new HostHeader(this));
            services.AddHttpClient("invoice-pdf").AddHttpMessageHandler(() => new Redirector(this));
        });
    }

    private sealed class HostHeader(PdfProxyFactory factory) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (factory.PresentEmulatorAsLocalhost && request.RequestUri is { } uri)
            {
                request.Headers.Host = $"localhost:{uri.Port}";
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class Redirector(PdfProxyFactory factory) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            factory.PdfRequests.Enqueue(request.RequestUri!);
            if (factory.AnswerPdf?.Invoke(request) is { } answer)
            {
                answer.RequestMessage = request;
                return Task.FromResult(answer);
            }

            if (factory.RedirectPdf?.Invoke(request.RequestUri!) is { } target)
            {
                var redirect = new HttpResponseMessage(System.Net.HttpStatusCode.Found) { RequestMessage = request };
                redirect.Headers.Location = target;
                return Task.FromResult(redirect);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
