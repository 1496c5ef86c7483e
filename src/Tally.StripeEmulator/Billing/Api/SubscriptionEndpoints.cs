using System.Text.Json.Nodes;
using Tally.StripeEmulator.Billing.Domain;
using Tally.StripeEmulator.Core;
using static Tally.StripeEmulator.Billing.Api.BillingEndpoints;

namespace Tally.StripeEmulator.Billing.Api;

internal static class SubscriptionEndpoints
{
    public static void Map(RouteTable routes)
    {
        routes.Post("/v1/subscriptions", Handler(Create));
        routes.Get("/v1/subscriptions", Handler(List));
        routes.Get("/v1/subscriptions/{id}", Handler((req, e) => req.Ok(e.Json.Subscription(e.GetSubscription(req.Route("id"))))));
        routes.Post("/v1/subscriptions/{id}", Handler(Update));
        routes.Delete("/v1/subscriptions/{id}", Handler((req, e) =>
            req.Ok(e.Json.Subscription(e.CancelSubscription(req.Route("id"), req.Params.Bool("invoice_now") ?? false)))));
        routes.Post("/v1/subscription_items", Handler(CreateItem));
        routes.Get("/v1/subscription_items", Handler(ListItems));
        routes.Get("/v1/subscription_items/{id}", Handler((req, e) => req.Ok(e.Json.Item(e.FindItem(req.Route("id")).Item))));
        routes.Post("/v1/subscription_items/{id}", Handler(UpdateItem));
        routes.Delete("/v1/subscription_items/{id}", Handler(DeleteItem));
    }

    private static List<ItemRequest> Items(Params p) =>
        [.. p.List("items").Select(i => new ItemRequest(i.Text("id"), i.Text("price"), i.Long("quantity"), i.Bool("deleted") ?? false, Metadata(i)))];

    /// <summary><c>discounts[n][coupon]</c> (endive) or the older <c>coupon</c>; null when neither was sent.</summary>
    private static List<string>? Coupons(Params p)
    {
        if (p.Has("discounts"))
        {
            if (p.IsCleared("discounts"))
            {
                return [];
            }

            return [.. p.List("discounts").Select(d => d.Text("coupon") ?? throw StripeError.Invalid(
                "Only coupon discounts are supported by the emulator.", d.Name("coupon")))];
        }
        return p.Text("coupon") is { } c ? [c] : p.IsCleared("coupon") ? [] : null;
    }

    private static (long? At, bool Now) TrialEnd(Params p)
    {
        var s = p.Text("trial_end");
        if (s is null)
        {
            return (null, false);
        }

        if (s == "now")
        {
            return (null, true);
        }

        return (p.Long("trial_end"), false);
    }

    private static ApiResult Create(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var (trialEnd, trialNow) = TrialEnd(p);
        var sub = e.CreateSubscription(new CreateSubscriptionRequest(
            p.Text("customer"), Items(p), trialEnd, trialNow, p.Long("trial_period_days"),
            p.Text("payment_behavior") ?? "allow_incomplete", p.Text("default_payment_method"),
            Coupons(p) ?? [], Metadata(p), p.Bool("cancel_at_period_end") ?? false, p.Long("cancel_at"),
            p.Long("billing_cycle_anchor"), p.Text("description")));
        return req.Ok(e.Json.Subscription(sub));
    }

    private static ApiResult Update(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var (trialEnd, trialNow) = TrialEnd(p);
        var items = Items(p);
        var sub = e.UpdateSubscription(req.Route("id"), new UpdateSubscriptionRequest(
            items.Count == 0 ? null : items,
            p.Bool("cancel_at_period_end"),
            p.Long("cancel_at"),
            p.IsCleared("cancel_at"),
            p.Has("default_payment_method") ? p.Str("default_payment_method") : null,
            Coupons(p),
            Metadata(p),
            trialEnd,
            trialNow,
            p.Text("payment_behavior"),
            p.Has("description") ? p.Str("description") : null,
            Proration(p)));
        return req.Ok(e.Json.Subscription(sub));
    }

    private static string Proration(Params p) =>
        p.OneOf("proration_behavior", "create_prorations", BillingEngine.ProrationBehaviors);

    private static ApiResult List(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var status = p.Text("status");
        if (status is not (null or "all" or "ended" or "active" or "past_due" or "unpaid" or "canceled" or "incomplete" or "incomplete_expired" or "trialing" or "paused"))
        {
            throw StripeError.Invalid("Invalid status: must be one of active, past_due, unpaid, canceled, incomplete, incomplete_expired, trialing, all, ended, or paused", "status");
        }

        var created = Lists.Created(p);
        var subs = e.ListSubscriptions(p.Text("customer"), p.Text("price"), status, p.Text("test_clock"));
        return Lists.Page(req, subs.Select(e.Json.Subscription).Where(created).ToList(), "/v1/subscriptions");
    }

    private static ApiResult CreateItem(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var subId = p.Required("subscription");
        var item = e.ChangeItem(subId, new ItemRequest(null, p.Required("price"), p.Long("quantity"), false, Metadata(p)), Proration(p));
        return req.Ok(e.Json.Item(item));
    }

    private static ApiResult UpdateItem(ApiRequest req, BillingEngine e)
    {
        var p = req.Params;
        var (sub, item) = e.FindItem(req.Route("id"));
        var updated = e.ChangeItem(sub.Id, new ItemRequest(item.Id, p.Text("price"), p.Long("quantity"), false, Metadata(p)), Proration(p));
        return req.Ok(e.Json.Item(updated));
    }

    private static ApiResult DeleteItem(ApiRequest req, BillingEngine e)
    {
        var (sub, item) = e.FindItem(req.Route("id"));
        e.ChangeItem(sub.Id, new ItemRequest(item.Id, null, null, true, null), Proration(req.Params));
        return ApiResult.Json(DeletedStub(item.Id, "subscription_item"));
    }

    private static ApiResult ListItems(ApiRequest req, BillingEngine e)
    {
        var subId = req.Params.Required("subscription");
        var sub = e.GetSubscription(subId);
        var items = sub.Items.OrderByDescending(i => i.Created).Select(i => e.Json.Item(i)).ToList();
        return Lists.Page(req, items, $"/v1/subscription_items?subscription={subId}");
    }
}
