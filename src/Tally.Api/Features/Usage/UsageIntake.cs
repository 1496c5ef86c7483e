using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Usage;

/// <summary>A report as received, before it is checked.</summary>
internal sealed record UsageReport(
    long UserId, string? CustomerId, decimal? Quantity, string? SubscriptionItemId, JsonElement? Metadata, DateTimeOffset? Timestamp, string? IdempotencyKey,
    string Kind = UsageKind.Report, string? Note = null, string? Actor = null);

/// <summary>
/// Turns a report into a ledger row: checks it, finds the subscription item it is for (the caller's
/// own), its meter and the billing period it is delivered into. A report for a period whose invoice is
/// closed is late: delivered into the current period, or refused with <c>Usage__LatePolicy=reject</c>.
/// </summary>
internal sealed class UsageIntake(UsageTargets targets, MeterNames meters, StripeTime stripeTime, IOptions<UsageOptions> options, TimeProvider clock)
{
    public async Task<(UsageRecord? Record, UsageProblem? Problem)> PrepareAsync(UsageReport report, CancellationToken ct)
    {
        var correction = report.Kind == UsageKind.Correction;
        if (UsageRules.CheckQuantity(report.Quantity, allowNegative: correction) is { } badQuantity)
        {
            return (null, badQuantity);
        }

        if (UsageRules.NormalizeMetadata(report.Metadata, out var metadata) is { } badMetadata)
        {
            return (null, badMetadata);
        }

        if (report.SubscriptionItemId is { } named && !StripeIds.IsWellFormed(named))
        {
            return (null, UsageRules.Invalid("subscription_item_id", "is not a Stripe subscription item id."));
        }

        var (target, problem) = Choose(await targets.OfUserAsync(report.UserId, report.CustomerId, ct), report.SubscriptionItemId);
        if (target is null)
        {
            return (null, problem);
        }

        // The customer's Stripe time: a test clock's for test-clock customers.
        var now = UsageRules.Milliseconds(await stripeTime.NowAsync(target.CustomerId, ct));
        var timestamp = UsageRules.Milliseconds(report.Timestamp ?? now);
        if (UsageRules.CheckTimestamp(timestamp, now) is { } badTime)
        {
            return (null, badTime);
        }

        if (timestamp < target.Created)
        {
            return (null, UsageRules.Invalid("timestamp", "is before the subscription item started."));
        }

        var period = target.PeriodOf(timestamp);
        var late = now >= period.End + options.Value.CloseAfter || (period.End <= now && await targets.IsInvoicedAsync(target.SubscriptionId, period.End, ct));
        if (late)
        {
            if (options.Value.RejectsLate)
            {
                return (null, new UsageProblem(422, "period_closed", "timestamp", "The billing period of this timestamp is already invoiced."));
            }

            period = target.PeriodOf(now);
        }

        var eventName = await meters.EventNameAsync(target.MeterId, ct);
        if (eventName is null)
        {
            return (null, new UsageProblem(409, "meter_not_found", "subscription_item_id", "The item's price points at a meter Stripe does not know."));
        }

        var quantity = report.Quantity!.Value;
        return (new UsageRecord
        {
            UserId = report.UserId, StripeCustomerId = target.CustomerId, StripeSubscriptionItemId = target.ItemId, MeterId = target.MeterId,
            MeterEventName = eventName, Quantity = quantity, Timestamp = timestamp, PeriodStart = period.Start, PeriodEnd = period.End, Late = late,
            Kind = report.Kind, IdempotencyKey = report.IdempotencyKey, Metadata = metadata, Note = report.Note, Actor = report.Actor,
            CreatedAt = UsageRules.Milliseconds(clock.GetUtcNow()),
            TraceParent = TallyTelemetry.CurrentTraceParent(),
            RequestHash = report.IdempotencyKey is null
                ? null
                : UsageRules.RequestHash(report.UserId, quantity, report.SubscriptionItemId, report.Timestamp, metadata),
        }, null);
    }

    private static (UsageTarget? Target, UsageProblem? Problem) Choose(IReadOnlyList<UsageTarget> mine, string? itemId)
    {
        if (itemId is not null)
        {
            var named = mine.FirstOrDefault(t => t.ItemId == itemId);
            return named switch
            {
                null => (null, new UsageProblem(404, "subscription_item_not_found", "subscription_item_id", "No metered subscription item of yours has this id.")),
                { IsReportable: false } => (null, new UsageProblem(409, "no_active_subscription", "subscription_item_id", "No active subscription found")),
                _ => (named, null),
            };
        }

        var active = mine.Where(t => t.IsReportable).ToList();
        return active.Count switch
        {
            0 => (null, new UsageProblem(409, "no_active_subscription", "subscription_item_id", "No active subscription found")),
            1 => (active[0], null),
            _ => (null, new UsageProblem(422, "subscription_item_required", "subscription_item_id",
                "You have several active metered subscription items: name one with subscription_item_id.")),
        };
    }
}

/// <summary>Meter event names by meter id (immutable in Stripe): asked once per meter.</summary>
internal sealed class MeterNames(IServiceScopeFactory scopes, StripeAccount account)
{
    private readonly ConcurrentDictionary<string, string> known = new(StringComparer.Ordinal);

    public async Task<string?> EventNameAsync(string meterId, CancellationToken ct)
    {
        if (known.TryGetValue(meterId, out var name))
        {
            return name;
        }

        if (meterId == account.MeterId && account.MeterEventName is { } configured)
        {
            return known[meterId] = configured;
        }

        await using var scope = scopes.CreateAsyncScope();
        name = await scope.ServiceProvider.GetRequiredService<StripeGateway>().GetMeterEventNameAsync(meterId, ct);
        if (name is not null)
        {
            known[meterId] = name;
        }

        return name;
    }
}
