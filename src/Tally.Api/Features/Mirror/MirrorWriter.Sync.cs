using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

/// <summary>What a backfill from Stripe's lists (the sync) needs beyond the upserts.</summary>
internal sealed partial class MirrorWriter
{
    /// <summary>Columns that record when or how often a row was written, not what Stripe says.</summary>
    private static readonly HashSet<string> Housekeeping = ["UpdatedAt", "Version", "SourceTimestamp"];

    /// <summary>
    /// Counts rows of <paramref name="counted"/> that are new or really changed, and puts back rows
    /// whose only modifications are housekeeping columns, so an unchanged object writes nothing.
    /// </summary>
    public (int Added, int Changed) SettleChanges(Type counted)
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
    public async Task BackfillHistoryAsync(SubscriptionRecord s, CancellationToken ct)
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
            await RecordHistoryAsync(s with { Status = startStatus, CanceledAt = null, EndedAt = null }, start, $"sync:{s.Id}:start", "sync.created", ct);
            await RecordHistoryAsync(s, ended, $"sync:{s.Id}:end", "sync.deleted", ct);
        }
        else
        {
            await RecordHistoryAsync(s, start, $"sync:{s.Id}", "sync.created", ct);
        }
    }
}
