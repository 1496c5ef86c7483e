using System.Text.Json.Nodes;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Catalog;

/// <summary>
/// Stripe's magic test payment methods (<c>pm_card_visa</c>, <c>tok_visa</c>, ...). Decline cards
/// fail when attached (402 <c>card_error</c>); <c>pm_card_chargeCustomerFail</c> attaches and then
/// every charge fails.
/// </summary>
internal static class TestCards
{
    public sealed record Card(string Name, string Brand, string Last4, string Funding, string Country,
        StripeError? AttachError = null, bool ChargeFails = false)
    {
        // Stable across runs (persisted objects must still map back to their test card).
        public string Fingerprint { get; } = Convert.ToHexStringLower(
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Name)))[..16];
    }

    private static StripeError Decline(string decline, string message, string code = "card_declined") =>
        StripeError.Card(code, decline, message);

    private static readonly Card[] Cards =
    [
        new("visa", "visa", "4242", "credit", "US"),
        new("visa_debit", "visa", "5556", "debit", "US"),
        new("mastercard", "mastercard", "4444", "credit", "US"),
        new("mastercard_debit", "mastercard", "8210", "debit", "US"),
        new("mastercard_prepaid", "mastercard", "5100", "prepaid", "US"),
        new("amex", "amex", "8431", "credit", "US"),
        new("discover", "discover", "1117", "credit", "US"),
        new("diners", "diners", "0004", "credit", "US"),
        new("jcb", "jcb", "0505", "credit", "JP"),
        new("unionpay", "unionpay", "0005", "credit", "CN"),
        new("chargeCustomerFail", "visa", "0341", "credit", "US", ChargeFails: true),
        new("chargeDeclined", "visa", "0002", "credit", "US", Decline("generic_decline", "Your card was declined.")),
        new("chargeDeclinedInsufficientFunds", "visa", "9995", "credit", "US", Decline("insufficient_funds", "Your card has insufficient funds.")),
        new("chargeDeclinedLostCard", "visa", "9987", "credit", "US", Decline("lost_card", "Your card was declined.")),
        new("chargeDeclinedStolenCard", "visa", "9979", "credit", "US", Decline("stolen_card", "Your card was declined.")),
        new("chargeDeclinedFraudulent", "visa", "0019", "credit", "US", Decline("fraudulent", "Your card was declined.")),
        new("chargeDeclinedExpiredCard", "visa", "0069", "credit", "US", Decline("expired_card", "Your card has expired.", "expired_card")),
        new("chargeDeclinedIncorrectCvc", "visa", "0127", "credit", "US", Decline("incorrect_cvc", "Your card's security code is incorrect.", "incorrect_cvc")),
        new("chargeDeclinedProcessingError", "visa", "0119", "credit", "US", Decline("processing_error", "An error occurred while processing your card. Try again in a little bit.", "processing_error")),
    ];

    /// <summary>The magic card behind <c>pm_card_X</c>, <c>pm_card_visa_X</c> or <c>tok_X</c>; null for ordinary ids.</summary>
    public static Card? FromMagicId(string id)
    {
        string name;
        if (id.StartsWith("pm_card_", StringComparison.Ordinal))
        {
            name = id["pm_card_".Length..];
        }
        else if (id.StartsWith("tok_", StringComparison.Ordinal))
        {
            name = id["tok_".Length..];
        }
        else
        {
            return null;
        }

        var card = Cards.FirstOrDefault(c => c.Name == name);
        if (card is null && name.StartsWith("visa_", StringComparison.Ordinal))
        {
            card = Cards.FirstOrDefault(c => c.Name == name["visa_".Length..]);
        }

        return card;
    }

    /// <summary>The test card a payment method was made from, or null.</summary>
    public static Card? FromPaymentMethod(JsonObject paymentMethod)
    {
        if (paymentMethod["card"] is not JsonObject card)
        {
            return null;
        }

        var fingerprint = Json.Str(card, "fingerprint");
        return Cards.FirstOrDefault(c => c.Fingerprint == fingerprint);
    }

    /// <summary>The error a charge of this payment method gets (402 <c>card_error</c>), or null when it succeeds.</summary>
    public static StripeError? ChargeFailure(JsonObject paymentMethod)
    {
        if (FromPaymentMethod(paymentMethod) is not { } match)
        {
            return null;
        }

        var pmId = Json.Str(paymentMethod, "id");
        if (match.ChargeFails)
        {
            return new StripeError(402, "card_error", "Your card was declined.", "card_declined") { DeclineCode = "generic_decline", PaymentMethodId = pmId };
        }

        if (match.AttachError is { } e)
        {
            return new StripeError(402, "card_error", e.Message, e.Code) { DeclineCode = e.DeclineCode, PaymentMethodId = pmId };
        }

        return null;
    }

    /// <summary>A new <c>payment_method</c> object for a magic card.</summary>
    public static JsonObject NewPaymentMethod(Card card, long created, int expYear) => new()
    {
        ["id"] = Ids.New("pm_"),
        ["object"] = "payment_method",
        ["allow_redisplay"] = "unspecified",
        ["billing_details"] = new JsonObject
        {
            ["address"] = new JsonObject
            {
                ["city"] = null, ["country"] = null, ["line1"] = null, ["line2"] = null, ["postal_code"] = null, ["state"] = null,
            },
            ["email"] = null,
            ["name"] = null,
            ["phone"] = null,
            ["tax_id"] = null,
        },
        ["card"] = new JsonObject
        {
            ["brand"] = card.Brand,
            ["checks"] = new JsonObject { ["address_line1_check"] = null, ["address_postal_code_check"] = null, ["cvc_check"] = "unchecked" },
            ["country"] = card.Country,
            ["display_brand"] = card.Brand switch { "amex" => "american_express", "diners" => "diners_club", var b => b },
            ["exp_month"] = 12,
            ["exp_year"] = expYear,
            ["fingerprint"] = card.Fingerprint,
            ["funding"] = card.Funding,
            ["generated_from"] = null,
            ["last4"] = card.Last4,
            ["networks"] = new JsonObject { ["available"] = new JsonArray(card.Brand), ["preferred"] = null },
            ["regulated_status"] = "unregulated",
            ["three_d_secure_usage"] = new JsonObject { ["supported"] = true },
            ["wallet"] = null,
        },
        ["created"] = created,
        ["customer"] = null,
        ["customer_account"] = null,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["type"] = "card",
    };
}
