namespace Tally.Api.Infrastructure.Stripe;

/// <summary>
/// The Stripe account Tally is talking to, as resolved at start: real Stripe (or a Stripe-compatible
/// server named by <c>STRIPE_API_BASE</c>) or the embedded emulator, plus the catalogue objects Tally uses.
/// </summary>
internal sealed class StripeAccount
{
    public required string ApiKey { get; init; }

    /// <summary>Base URL without a trailing slash, as Stripe.net wants it (in emulator mode, known once the emulator runs).</summary>
    public required string ApiBase { get; set; }

    public required bool IsEmulator { get; init; }

    /// <summary>Where the embedded emulator keeps its state (emulator mode only).</summary>
    public string? EmulatorStatePath { get; init; }

    public string? WebhookSecret { get; set; }

    /// <summary>
    /// This installation's id (generated once, kept in <c>stripe_settings</c>): the marker on the customers it
    /// creates and part of their idempotency keys, so two Tallys on one Stripe account never share a customer.
    /// </summary>
    public string? InstallationId { get; set; }

    /// <summary>Where Stripe delivers webhooks (emulator mode: Tally's own endpoint).</summary>
    public string? WebhookUrl { get; init; }

    public string? ProductId { get; set; }

    public string? PriceMeteredId { get; set; }

    public string? MeterId { get; set; }

    /// <summary>
    /// <c>TALLY_ALLOWED_PRICE_IDS</c>: the prices users may subscribe to; null means the default (the metered
    /// price and the active metered prices of <see cref="ProductId"/>).
    /// </summary>
    public IReadOnlySet<string>? AllowedPriceIds { get; set; }

    public string? MeterEventName { get; set; }

    /// <summary>Hosts an <c>invoice_pdf</c> URL may point to.</summary>
    public IReadOnlyCollection<string> PdfHosts => IsEmulator || ApiBase != StripeRegistration.StripeApiBase
        ? [.. StripeRegistration.StripePdfHosts, new Uri(ApiBase).Authority]
        : StripeRegistration.StripePdfHosts;
}
