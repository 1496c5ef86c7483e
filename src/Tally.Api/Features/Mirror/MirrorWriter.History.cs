using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

internal sealed partial class MirrorWriter
{
    private static readonly JsonSerializerOptions HistoryJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>
    /// Records that <paramref name="s"/> (the state an event carried) held from <paramref name="validFrom"/>
    /// (the event's <c>created</c>) until the next recorded state. Events may arrive in any order and
    /// more than once: each state lands at its own instant, and among states of the same second the one
    /// furthest along the lifecycle wins, so any delivery order ends with the same history.
    /// </summary>
    public async Task RecordHistoryAsync(SubscriptionRecord s, DateTimeOffset validFrom, string eventId, string eventType, CancellationToken ct)
    {
        // The writer's list also holds rows staged by an earlier call in the same unit of work
        // (several events of one subscription saved together).
        var rows = await ChildrenAsync(history, s.Id, db.Set<SubscriptionHistory>().Where(h => h.StripeSubscriptionId == s.Id), HistoryOf, ct);
        var rank = Rank(s.Status, eventType);
        var row = rows.FirstOrDefault(h => h.ValidFrom == validFrom);
        if (row is null)
        {
            row = new SubscriptionHistory { StripeSubscriptionId = s.Id, StripeCustomerId = s.CustomerId, Status = s.Status, Items = "[]", Discounts = "[]", SourceEventId = eventId };
            db.Add(row);
            rows.Add(row);
        }
        else if (rank < row.Rank || (rank == row.Rank && string.CompareOrdinal(eventId, row.SourceEventId) <= 0))
        {
            return;
        }

        row.StripeCustomerId = s.CustomerId;
        row.Status = s.Status;
        row.Items = JsonSerializer.Serialize(s.Items.Select(i => new { item = i.Id, price = i.Price.Id, quantity = i.Quantity }), HistoryJson);
        row.Discounts = JsonSerializer.Serialize(s.Discounts, HistoryJson);
        row.CancelAtPeriodEnd = s.CancelAtPeriodEnd;
        row.CancelAt = s.CancelAt;
        row.CanceledAt = s.CanceledAt;
        row.EndedAt = s.EndedAt;
        row.TrialEnd = s.TrialEnd;
        row.ValidFrom = validFrom;
        row.Rank = rank;
        row.SourceEventId = eventId;

        Staged(l => l.SubscriptionStaged(s.Id));
        var ordered = rows.OrderBy(h => h.ValidFrom).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            ordered[i].ValidTo = i + 1 < ordered.Count ? ordered[i + 1].ValidFrom : null;
        }
    }

    private static int Rank(string status, string eventType) => (status switch
    {
        "incomplete" => 0,
        "incomplete_expired" => 1,
        "trialing" => 2,
        "active" => 3,
        "past_due" => 4,
        "paused" => 5,
        "unpaid" => 6,
        "canceled" => 7,
        _ => 0,
    } * 10) + (eventType.EndsWith(".deleted", StringComparison.Ordinal) ? 2 : eventType.EndsWith(".created", StringComparison.Ordinal) ? 0 : 1);
}
