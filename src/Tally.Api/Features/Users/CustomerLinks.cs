using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;
using Tally.Api.Infrastructure.Stripe;

namespace Tally.Api.Features.Users;

/// <summary>
/// Which Tally user a Stripe customer belongs to, for the mirror's writer: the user holding its id, or the
/// one named by this installation's marker (<see cref="StripeMarker"/>), which is linked when it has no
/// customer yet (staged on the shared context; the writer's caller saves). Never a bare <c>user_id</c> or an
/// email: the Stripe account is shared with the product's own code (ADR 9). After <see cref="PreloadAsync"/>
/// it answers the preloaded keys from memory for the rest of the unit of work (see <c>MirrorWriter</c>'s
/// identity map); without one every look-up asks the database.
/// </summary>
internal sealed class CustomerLinks(TallyDbContext db, UserDirectory directory, StripeAccount account, TimeProvider clock)
{
    private readonly Dictionary<string, User?> byCustomer = new(StringComparer.Ordinal);
    private readonly Dictionary<long, User?> byId = [];
    private bool preloaded;

    public const string ReleasedAction = "user.stripe_customer_released";

    public static string NormalizedEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Loads, tracked, the users these customers and ids may name: one query.</summary>
    public async Task PreloadAsync(IEnumerable<string> customerIds, IEnumerable<long> userIds, CancellationToken ct)
    {
        preloaded = true;
        var customers = customerIds.Where(id => !byCustomer.ContainsKey(id)).ToList();
        var ids = userIds.Where(id => !byId.ContainsKey(id)).ToList();
        if (customers.Count + ids.Count == 0)
        {
            return;
        }

        var found = await db.Set<User>().Where(u => (u.StripeCustomerId != null && customers.Contains(u.StripeCustomerId)) || ids.Contains(u.Id)).ToListAsync(ct);
        customers.ForEach(id => byCustomer[id] = found.FirstOrDefault(u => u.StripeCustomerId == id));
        ids.ForEach(id => byId[id] = found.FirstOrDefault(u => u.Id == id));
    }

    /// <summary>The user holding this customer id, if any.</summary>
    public async Task<long?> HolderOfAsync(string customerId, CancellationToken ct) => (await ByCustomerAsync(customerId, ct))?.Id;

    /// <summary>
    /// Finds the user a Stripe customer belongs to: the user that already holds its id, else the user this
    /// installation's marker names; links that user to the customer when it has none.
    /// </summary>
    public async Task<long?> LinkAsync(string customerId, IReadOnlyDictionary<string, string> metadata, bool deleted, CancellationToken ct)
    {
        var user = await ByCustomerAsync(customerId, ct);
        if (user is not null)
        {
            return user.Id;
        }

        if (deleted || StripeMarker.UserIdOf(metadata, account.InstallationId) is not { } id || await ByIdAsync(id, ct) is not { } marked)
        {
            return null;
        }

        if (marked.StripeCustomerId is null)
        {
            marked.StripeCustomerId = customerId;
            marked.Touch(clock.GetUtcNow());
            directory.Invalidate(marked.Subject);
            if (preloaded)
            {
                byCustomer[customerId] = marked;
            }
        }

        return marked.StripeCustomerId == customerId ? marked.Id : null;
    }

    /// <summary>
    /// A customer deleted in Stripe is released: its user no longer holds it (so <c>create_customer</c>
    /// makes a new one), audited, which also moves the user's customer-creation idempotency key on.
    /// </summary>
    public async Task ReleaseAsync(string customerId, CancellationToken ct)
    {
        if (await ByCustomerAsync(customerId, ct) is not { } user)
        {
            return;
        }

        var now = clock.GetUtcNow();
        user.StripeCustomerId = null;
        user.Touch(now);
        db.Add(new AuditLogEntry
        {
            Actor = "stripe",
            Action = ReleasedAction,
            TargetType = "user",
            TargetId = user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            OldValue = customerId,
            CreatedAt = now,
        });
        directory.Invalidate(user.Subject);
        if (preloaded)
        {
            byCustomer[customerId] = null;
        }
    }

    private async Task<User?> ByCustomerAsync(string customerId, CancellationToken ct) =>
        preloaded && byCustomer.TryGetValue(customerId, out var user) ? user : await db.Set<User>().FirstOrDefaultAsync(u => u.StripeCustomerId == customerId, ct);

    private async Task<User?> ByIdAsync(long id, CancellationToken ct) =>
        preloaded && byId.TryGetValue(id, out var user) ? user : await db.Set<User>().FirstOrDefaultAsync(u => u.Id == id, ct);
}
