using System.Text.Json.Nodes;

namespace Tally.StripeEmulator.Core;

/// <summary>Points where one module asks another; the billing module fills these in <see cref="IResourceModule.Initialize"/>.</summary>
internal sealed class EmulatorHooks
{
    /// <summary>
    /// A meter by id, for <c>recurring[meter]</c> on prices. The default reads
    /// <c>account.Store["billing.meter"]</c>. Called under the account lock.
    /// </summary>
    public Func<Account, string, JsonObject?> FindMeter { get; set; } =
        static (account, id) => account.Store["billing.meter"].Get(id);

    /// <summary>
    /// Aggregated usage for a customer and meter (id or event name) over [start, end), for
    /// <see cref="EmulatorControl.MeterTotal"/>. Called under the account lock. Null until billing sets it.
    /// </summary>
    public Func<Account, string, string, DateTimeOffset, DateTimeOffset, decimal>? MeterTotal { get; set; }

    /// <summary>
    /// Called (under the account lock) when a customer is deleted, before its <c>customer.deleted</c>
    /// event; billing cancels the customer's subscriptions here, as Stripe does. Multicast: use <c>+=</c>.
    /// </summary>
    public Action<Account, JsonObject>? CustomerDeleted { get; set; }
}
