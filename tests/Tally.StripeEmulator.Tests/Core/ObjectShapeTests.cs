using System.Reflection;
using System.Text.Json.Nodes;
using Newtonsoft.Json;
using Stripe;
using Tally.StripeEmulator.Tests.Billing;
using Tally.StripeEmulator.Tests.Support;
using STJS = System.Text.Json.Serialization;

namespace Tally.StripeEmulator.Tests.Core;

/// <summary>
/// Issue 15.10: every field Stripe's API specification marks as always present is on the objects the
/// emulator returns (null when empty). The field list is the specification as Stripe.net 53.1.0 carries it:
/// the JSON names of each entity class (public and internal expandable-field properties).
/// </summary>
public sealed class ObjectShapeTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Fields the specification does not mark as always present, so Stripe omits them (kept short):
    /// includable fields returned only when expanded, and <c>deleted</c>, which only deleted objects carry.
    /// </summary>
    private static readonly Dictionary<Type, string[]> NotAlwaysPresent = new()
    {
        [typeof(Customer)] = ["deleted", "cash_balance", "invoice_credit_balance", "sources", "subscriptions", "tax", "tax_ids"],
        [typeof(Product)] = ["deleted"],
        [typeof(Price)] = ["deleted", "currency_options", "tiers"],
        [typeof(Invoice)] = ["deleted"],
        // billed_until: flexible billing mode only (a non-nullable DateTime in Stripe.net: never null on the wire).
        [typeof(SubscriptionItem)] = ["deleted", "billed_until"],

        // Set only when the payment method was created with Radar session data.
        [typeof(PaymentMethod)] = ["radar_options"],
    };

    /// <summary>A payment method carries the hash of its own <c>type</c> only (<c>card</c> here, not <c>sepa_debit</c>, ...).</summary>
    private static bool IsOtherPaymentMethodType(Type type, PropertyInfo property, string name) =>
        type == typeof(PaymentMethod) && name != "card"
        && property.PropertyType.Name == "PaymentMethod" + string.Concat(name.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    [Fact]
    public async Task BillingAndCatalogObjects_CarryEveryFieldOfTheirStripeNetEntity()
    {
        var key = EmulatorFixture.NewKey();
        var stripe = fx.Client(key);
        var customer = await CatalogSeed.CustomerAsync(stripe);
        var price = await CatalogSeed.PriceAsync(stripe, 900);
        var sub = await stripe.V1.Subscriptions.CreateAsync(new SubscriptionCreateOptions { Customer = customer, Items = [new() { Price = price }] }, cancellationToken: Ct);
        var pm = (await stripe.V1.PaymentMethods.ListAsync(new PaymentMethodListOptions { Customer = customer }, cancellationToken: Ct)).Data[0];
        using var http = Clients.Raw(fx.Server, key);
        async Task<JsonObject> GetAsync(string path) => JsonNode.Parse(await http.GetStringAsync(path, Ct))!.AsObject();

        var invoice = await GetAsync($"/v1/invoices/{sub.LatestInvoiceId}");
        var objects = new (Type Type, JsonObject Json)[]
        {
            (typeof(Customer), await GetAsync($"/v1/customers/{customer}")),
            (typeof(PaymentMethod), await GetAsync($"/v1/payment_methods/{pm.Id}")),
            (typeof(Product), await GetAsync($"/v1/products/{(await stripe.V1.Prices.GetAsync(price, cancellationToken: Ct)).ProductId}")),
            (typeof(Price), await GetAsync($"/v1/prices/{price}")),
            (typeof(Subscription), await GetAsync($"/v1/subscriptions/{sub.Id}")),
            (typeof(SubscriptionItem), await GetAsync($"/v1/subscription_items/{sub.Items.Data[0].Id}")),
            (typeof(Invoice), invoice),
            (typeof(InvoiceLineItem), invoice["lines"]!["data"]![0]!.AsObject()),
        };

        var missing = objects
            .SelectMany(o => Fields(o.Type)
                .Where(f => !IsOtherPaymentMethodType(o.Type, f.Property, f.Name))
                .Select(f => f.Name)
                .Except(NotAlwaysPresent.GetValueOrDefault(o.Type, []))
                .Where(f => !o.Json.ContainsKey(f))
                .Select(f => $"{o.Type.Name}.{f}"))
            .ToList();
        Assert.True(missing.Count == 0, string.Join(", ", missing));
    }

    /// <summary>JSON names of an entity's properties, expandable ones included (their <c>[JsonProperty]</c> sits on an internal property).</summary>
    internal static IEnumerable<(string Name, PropertyInfo Property)> Fields(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance)
            .Select(p => (Name: p.GetCustomAttribute<JsonPropertyAttribute>()?.PropertyName ?? p.GetCustomAttribute<STJS.JsonPropertyNameAttribute>()?.Name, Property: p))
            .Where(f => f.Name is not null)
            .Select(f => (f.Name!, f.Property))
            .DistinctBy(f => f.Item1);
}
