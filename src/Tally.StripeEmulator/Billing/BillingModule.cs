using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Api;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Billing.Metering;
using Tally.StripeEmulator.Core;

namespace Tally.StripeEmulator.Billing;

/// <summary>Meters, meter events, subscriptions, invoices, test clocks. See Core/README.md for the module contract.</summary>
internal sealed class BillingModule : IResourceModule
{
    /// <summary>v2 meter-event session tokens → account (the stream route carries no API key).</summary>
    private readonly ConcurrentDictionary<string, (Account Account, DateTimeOffset ExpiresAt)> sessions = new(StringComparer.Ordinal);

    public string Name => "billing";

    public void Initialize(Emulator emulator)
    {
        emulator.Expansions.Register("subscription", "latest_invoice");
        emulator.Expansions.Register("subscription", "customer");
        emulator.Expansions.Register("subscription", "default_payment_method");
        emulator.Expansions.Register("subscription", "test_clock");
        emulator.Expansions.Register("subscription_item", "price");
        emulator.Expansions.Register("invoice", "customer");
        emulator.Expansions.Register("invoice", "subscription");
        emulator.Expansions.Register("invoice", "test_clock");
        emulator.Expansions.Register("invoice", "parent.subscription_details.subscription");
        emulator.Expansions.Register("line_item", "pricing.price_details.price");
        emulator.Expansions.Register("line_item", "pricing.price_details.product");
        emulator.Expansions.Register("discount", "customer");
        emulator.Expansions.Register("discount", "subscription");
        emulator.Expansions.RegisterComputed("subscription", "discounts", BillingEndpoints.ExpandDiscounts);
        emulator.Expansions.Register("discount", "source.coupon");
        emulator.Expansions.RegisterComputed("invoice", "discounts", BillingEndpoints.ExpandDiscounts);
        emulator.Expansions.RegisterComputed("customer", "subscriptions", BillingEndpoints.CustomerSubscriptions);
        var inner = emulator.Expansions.Resolve;
        emulator.Expansions.Resolve = (account, id) => BillingEndpoints.Resolve(account, id) ?? inner(account, id);
        emulator.Hooks.FindMeter = (account, id) =>
            Engine(account).Meters.TryGetValue(id, out var m) ? Engine(account).Json.Meter(m) : null;
        emulator.Hooks.CustomerDeleted += (account, customer) =>
        {
            if (Json.Str(customer, "id") is { } id)
            {
                Engine(account).CancelCustomerSubscriptions(id);
            }
        };
        emulator.Hooks.MeterTotal = (account, customer, meter, start, end) =>
        {
            var engine = Engine(account);
            var m = engine.Meters.GetValueOrDefault(meter) ?? engine.Meters.Values.FirstOrDefault(x => x.EventName == meter);
            return m is null ? 0m : engine.Usage.Aggregate(m.Id, customer, BillingEngine.ParseFormula(m.Formula), start.ToUnixTimeSeconds(), end.ToUnixTimeSeconds());
        };
    }

    public void Map(RouteTable routes)
    {
        MeterEndpoints.Map(routes, sessions);
        SubscriptionEndpoints.Map(routes);
        InvoiceEndpoints.Map(routes);
        ClockEndpoints.Map(routes);
    }

    public JsonNode? Save(Account account) =>
        account.State<BillingState>().Engine is { } engine ? BillingSnapshot.Save(engine) : null;

    public void Load(Account account, JsonNode state) => BillingSnapshot.Load(Engine(account), state);

    /// <summary>The account's billing engine (created on first use). Call under the account lock.</summary>
    internal static BillingEngine Engine(Account account)
    {
        var state = account.State<BillingState>();
        return state.Engine ??= new BillingEngine(new AccountBillingHost(account), new MeterUsageStore(account.Emulator.Options.Time));
    }
}

internal sealed class BillingState
{
    public BillingEngine? Engine { get; set; }
}
