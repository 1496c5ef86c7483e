using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Mirror;

/// <summary>
/// The mirror rows that writing a set of Stripe records will read: collected from the records, then
/// loaded with one query per table by <see cref="MirrorWriter.PreloadAsync"/>.
/// </summary>
internal sealed class MirrorKeys
{
    public HashSet<string> Customers { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Products { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Prices { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Invoices { get; } = new(StringComparer.Ordinal);

    /// <summary>User ids named by a Tally marker on customers (<see cref="StripeMarker"/>; whose marker it is, the links decide).</summary>
    public HashSet<long> UserIds { get; } = [];

    public bool IsEmpty => Customers.Count + Products.Count + Prices.Count + Subscriptions.Count + Invoices.Count == 0;

    /// <summary>Adds what writing <paramref name="record"/> reads (a customer, product, price, subscription or invoice record).</summary>
    public void Add(object record)
    {
        switch (record)
        {
            case CustomerRecord c:
                Customers.Add(c.Id);
                if (StripeMarker.UserIdOf(c.Metadata, c.Metadata.GetValueOrDefault(StripeMarker.InstallationKey)) is { } userId)
                {
                    UserIds.Add(userId);
                }

                break;
            case SubscriptionRecord s:
                Subscriptions.Add(s.Id);
                Customers.Add(s.CustomerId);
                Prices.UnionWith(s.Items.Select(i => i.Price.Id));
                break;
            case InvoiceRecord i:
                Invoices.Add(i.Id);
                Customers.Add(i.CustomerId);
                break;
            case PriceRecord p:
                Prices.Add(p.Id);
                break;
            case ProductRecord p:
                Products.Add(p.Id);
                break;
        }
    }
}
