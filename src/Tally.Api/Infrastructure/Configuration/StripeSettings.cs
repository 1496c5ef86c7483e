namespace Tally.Api.Infrastructure.Configuration;

/// <summary>The Stripe account Tally talks to. Without a secret key Tally runs its embedded emulator.</summary>
internal sealed record StripeSettings(
    string? SecretKey,
    string? WebhookSecret,
    string? PriceMeteredId,
    string? ProductId,
    string DefaultCurrency,
    Uri? ApiBase,
    IReadOnlySet<string>? AllowedPriceIds)
{
    public const string SecretKeyVariable = "STRIPE_SECRET_KEY";
    public const string WebhookSecretVariable = "STRIPE_WEBHOOK_SECRET";
    public const string PriceMeteredIdVariable = "STRIPE_PRICE_METERED_ID";
    public const string ProductIdVariable = "STRIPE_PRODUCT_ID";
    public const string DefaultCurrencyVariable = "DEFAULT_CURRENCY";
    public const string ApiBaseVariable = "STRIPE_API_BASE";
    public const string AllowedPriceIdsVariable = "TALLY_ALLOWED_PRICE_IDS";
    public const string EmulatorVariable = "TALLY_STRIPE_EMULATOR";
    public const string TimeoutVariable = "TALLY_STRIPE_TIMEOUT_SECONDS";

    /// <summary>
    /// Per HTTP attempt (Stripe.net tries up to three times): well under the webhook processor's lease
    /// (2 min), so a hung call ends as a retryable failure instead of outliving its claim.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How long one HTTP attempt to Stripe may take (<c>TALLY_STRIPE_TIMEOUT_SECONDS</c>).</summary>
    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    public bool UsesEmulator => SecretKey is null;

    /// <summary>
    /// Reads and checks the Stripe variables. Unsafe production set-ups stop start-up: emulator mode (no key)
    /// with PostgreSQL unless <c>TALLY_STRIPE_EMULATOR=true</c> (a key that failed to load must not silently
    /// "bill" the emulator), a key without a webhook secret, a plain-http API base to a non-loopback host.
    /// </summary>
    public static StripeSettings Load(IConfiguration configuration, DatabaseSettings database, ConfigurationProblems problems)
    {
        var secretKey = configuration.NonEmpty(SecretKeyVariable);
        var emulator = false;
        if (configuration.NonEmpty(EmulatorVariable) is { } emulatorFlag && !DatabaseSettings.TryParseBool(emulatorFlag, out emulator))
        {
            problems.Add(EmulatorVariable, "must be true or false.");
        }

        if (secretKey is null && !emulator && database.Provider == DatabaseProvider.Postgres)
        {
            problems.Add(SecretKeyVariable, $"is required with PostgreSQL (a production database): set it, or set {EmulatorVariable}=true " +
                "to run against the embedded Stripe emulator on purpose.");
        }

        if (secretKey is not null && emulator)
        {
            problems.Add(EmulatorVariable, $"=true contradicts {SecretKeyVariable}: unset one of them.");
        }

        if (secretKey is not null && !(secretKey.StartsWith("sk_", StringComparison.Ordinal) || secretKey.StartsWith("rk_", StringComparison.Ordinal)))
        {
            problems.Add(SecretKeyVariable, "must be a Stripe secret or restricted key (sk_... or rk_...).");
        }

        var webhookSecret = configuration.NonEmpty(WebhookSecretVariable);
        if (webhookSecret is not null && !webhookSecret.StartsWith("whsec_", StringComparison.Ordinal))
        {
            problems.Add(WebhookSecretVariable, "must be a webhook signing secret (whsec_...).");
        }
        else if (webhookSecret is null && secretKey is not null)
        {
            problems.Add(WebhookSecretVariable, $"is required with {SecretKeyVariable}: without it every webhook would be refused.");
        }

        var price = configuration.NonEmpty(PriceMeteredIdVariable);
        if (price is not null && !price.StartsWith("price_", StringComparison.Ordinal))
        {
            problems.Add(PriceMeteredIdVariable, "must be a Stripe price id (price_...).");
        }

        var product = configuration.NonEmpty(ProductIdVariable);
        if (product is not null && !product.StartsWith("prod_", StringComparison.Ordinal))
        {
            problems.Add(ProductIdVariable, "must be a Stripe product id (prod_...).");
        }

        var currency = (configuration.NonEmpty(DefaultCurrencyVariable) ?? "usd").ToLowerInvariant();
        if (currency.Length != 3 || !currency.All(char.IsAsciiLetterLower))
        {
            problems.Add(DefaultCurrencyVariable, $"'{currency}' is not a three-letter ISO currency code.");
        }

        Uri? apiBase = null;
        if (configuration.NonEmpty(ApiBaseVariable) is { } baseText &&
            (!Uri.TryCreate(baseText, UriKind.Absolute, out apiBase) || apiBase.Scheme is not ("http" or "https")))
        {
            problems.Add(ApiBaseVariable, "must be an absolute http(s) URL.");
            apiBase = null;
        }
        else if (apiBase is { Scheme: "http", IsLoopback: false })
        {
            problems.Add(ApiBaseVariable, "must be https:// unless it points to this machine (loopback): the API key would travel in clear.");
            apiBase = null;
        }

        HashSet<string>? allowed = null;
        if (configuration.NonEmpty(AllowedPriceIdsVariable) is { } allowedText)
        {
            allowed = new HashSet<string>(allowedText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
            if (allowed.Count == 0 || allowed.Any(id => !id.StartsWith("price_", StringComparison.Ordinal)))
            {
                problems.Add(AllowedPriceIdsVariable, "must be a comma-separated list of Stripe price ids (price_...).");
            }
        }

        var timeout = DefaultTimeout;
        if (configuration.NonEmpty(TimeoutVariable) is { } timeoutText)
        {
            if (int.TryParse(timeoutText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 300)
            {
                timeout = TimeSpan.FromSeconds(seconds);
            }
            else
            {
                problems.Add(TimeoutVariable, "must be a whole number of seconds from 1 to 300.");
            }
        }

        return new StripeSettings(secretKey, webhookSecret, price, product, currency, apiBase, allowed) { Timeout = timeout };
    }
}
