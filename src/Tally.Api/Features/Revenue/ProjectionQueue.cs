using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Mirror;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

/// <summary>
/// Queues, in <c>revenue_projection_changes</c>, each subscription (or price) whose history, discounts or terms
/// the mirror writer stages: a row is only added to the writer's context, so it is saved in the writer's
/// transaction (with the change, or not at all) and costs no round trip. One row per subscription or price per
/// unit of work, however many events of it the unit holds; a row already saved, or dropped with the change
/// tracker by a retry, is added again.
/// </summary>
internal sealed class ProjectionQueue(TallyDbContext db) : IMirrorChangeListener
{
    private readonly Dictionary<(string Kind, string Id), ProjectionChange> staged = [];

    public void SubscriptionStaged(string subscriptionId) => Queue(("s", subscriptionId), () => new ProjectionChange { SubscriptionId = subscriptionId });

    public void PriceStaged(string priceId) => Queue(("p", priceId), () => new ProjectionChange { PriceId = priceId });

    private void Queue((string Kind, string Id) key, Func<ProjectionChange> create)
    {
        if (staged.TryGetValue(key, out var row) && db.Entry(row).State == EntityState.Added)
        {
            return;
        }

        staged[key] = row = create();
        db.Add(row);
    }
}
