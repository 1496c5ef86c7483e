namespace Tally.StripeEmulator.Tests.Support;

/// <summary>
/// Runs <see cref="StrictParse.CheckJson(string)"/> on every JSON response the SDK receives. A
/// violation throws <see cref="StrictParseException"/>, which Stripe.net does not catch, so the test
/// call fails with the path of the bad field.
/// </summary>
public sealed class StrictCheckingHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            StrictParse.CheckJson(body);
        }
        return response;
    }
}
