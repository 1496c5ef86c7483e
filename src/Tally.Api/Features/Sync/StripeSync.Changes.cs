using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Subscriptions;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Sync;

internal sealed partial class StripeSync
{
    /// <summary>Columns that record when or how often a row was written, not what Stripe says.</summary>
    private static readonly HashSet<string> Housekeeping = ["UpdatedAt", "Version", "SourceTimestamp"];

    /// <summary>
    /// Counts rows of <paramref name="counted"/> that are new or really changed, and puts back rows
    /// whose only modifications are housekeeping columns, so an unchanged object writes nothing.
    /// </summary>
    private (int Added, int Changed) SettleChanges(Type counted)
    {
        var (added, changed) = (0, 0);
        foreach (var entry in db.ChangeTracker.Entries().ToList())
        {
            if (entry.State == EntityState.Added)
            {
                added += entry.Metadata.ClrType == counted ? 1 : 0;
                continue;
            }

            if (entry.State != EntityState.Modified)
            {
                continue;
            }

            var modified = entry.Properties.Where(p => p.IsModified).ToList();
            if (modified.All(p => Housekeeping.Contains(p.Metadata.Name)))
            {
                foreach (var p in modified)
                {
                    p.CurrentValue = p.OriginalValue;
                    p.IsModified = false;
                }

                entry.State = EntityState.Unchanged;
            }
            else if (entry.Metadata.ClrType == counted)
            {
                changed++;
            }
        }

        return (added, changed);
    }

    /// <summary>
    /// Best-effort history for a subscription the mirror has none of (it predates Tally's webhooks):
    /// its start, and its end when it has ended, from the object's own timestamps.
    /// </summary>
    private async Task BackfillHistoryAsync(SubscriptionRecord s, CancellationToken ct)
    {
        if (await db.Set<SubscriptionHistory>().AnyAsync(h => h.StripeSubscriptionId == s.Id, ct)
            || db.Set<SubscriptionHistory>().Local.Any(h => h.StripeSubscriptionId == s.Id))
        {
            return;
        }

        var start = s.StartDate ?? s.Created;
        var end = s.Status is "canceled" or "incomplete_expired" ? s.EndedAt ?? s.CanceledAt : null;
        if (end is { } ended && ended > start)
        {
            var startStatus = s.TrialEnd is { } trialEnd && trialEnd > start ? "trialing" : "active";
            await mirror.RecordHistoryAsync(s with { Status = startStatus, CanceledAt = null, EndedAt = null }, start, $"sync:{s.Id}:start", "sync.created", ct);
            await mirror.RecordHistoryAsync(s, ended, $"sync:{s.Id}:end", "sync.deleted", ct);
        }
        else
        {
            await mirror.RecordHistoryAsync(s, start, $"sync:{s.Id}", "sync.created", ct);
        }
    }
}
