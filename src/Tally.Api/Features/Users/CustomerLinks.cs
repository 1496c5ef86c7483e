using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

/// <summary>
/// Which Tally user a Stripe customer belongs to, for the mirror's writer: finds the user and links an
/// unlinked user to the customer (staged on the shared context; the writer's caller saves). After
/// <see cref="PreloadAsync"/> it answers the preloaded keys from memory for the rest of the unit of work
/// (see <c>MirrorWriter</c>'s identity map); without one every look-up asks the database.
/// </summary>
internal sealed class CustomerLinks(TallyDbContext db, UserDirectory directory, TimeProvider clock)
{
    private readonly Dictionary<string, User?> byCustomer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, User?> byEmail = new(StringComparer.Ordinal);
    private readonly Dictionary<long, User?> byId = [];
    private bool preloaded;

    public static string NormalizedEmail(string email) => email.Trim().ToLowerInvariant();

    /// <summary>The user id a Stripe object's <c>metadata.user_id</c> names, if it is a number.</summary>
    public static long? MetadataUserId(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is not null && metadata.TryGetValue("user_id", out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;

    /// <summary>Loads, tracked, the users these customers, emails and ids may name: one query.</summary>
    public async Task PreloadAsync(IEnumerable<string> customerIds, IEnumerable<string> emails, IEnumerable<long> userIds, CancellationToken ct)
    {
        preloaded = true;
        var customers = customerIds.Where(id => !byCustomer.ContainsKey(id)).ToList();
        var mails = emails.Where(e => !byEmail.ContainsKey(e)).ToList();
        var ids = userIds.Where(id => !byId.ContainsKey(id)).ToList();
        if (customers.Count + mails.Count + ids.Count == 0)
        {
            return;
        }

        var found = await db.Set<User>().Where(u => (u.StripeCustomerId != null && customers.Contains(u.StripeCustomerId)) ||
            (u.Email != null && mails.Contains(u.Email)) || ids.Contains(u.Id)).ToListAsync(ct);
        customers.ForEach(id => byCustomer[id] = found.FirstOrDefault(u => u.StripeCustomerId == id));
        mails.ForEach(email => byEmail[email] = found.FirstOrDefault(u => u.Email == email));
        ids.ForEach(id => byId[id] = found.FirstOrDefault(u => u.Id == id));
    }

    /// <summary>The existing user that <c>metadata.user_id</c> names, if any.</summary>
    public async Task<long?> NamedByMetadataAsync(IReadOnlyDictionary<string, string>? metadata, CancellationToken ct) =>
        MetadataUserId(metadata) is { } id && await ByIdAsync(id, ct) is not null ? id : null;

    /// <summary>The user holding this customer id, if any.</summary>
    public async Task<long?> HolderOfAsync(string customerId, CancellationToken ct) => (await ByCustomerAsync(customerId, ct))?.Id;

    /// <summary>
    /// Finds the user a Stripe customer belongs to: the user that already holds its id, else
    /// <c>metadata.user_id</c>, else the same email; links the user to the customer when it has none.
    /// </summary>
    public async Task<long?> LinkAsync(string customerId, IReadOnlyDictionary<string, string> metadata, string? email, bool deleted, CancellationToken ct)
    {
        var user = await ByCustomerAsync(customerId, ct);
        if (user is not null)
        {
            return user.Id;
        }

        if (MetadataUserId(metadata) is { } id)
        {
            user = await ByIdAsync(id, ct);
        }

        if (user is null && email is not null)
        {
            user = await ByEmailAsync(NormalizedEmail(email), ct);
        }

        if (user is null || deleted)
        {
            return null;
        }

        if (user.StripeCustomerId is null)
        {
            user.StripeCustomerId = customerId;
            user.Touch(clock.GetUtcNow());
            directory.Invalidate(user.Subject);
            if (preloaded)
            {
                byCustomer[customerId] = user;
            }
        }

        return user.StripeCustomerId == customerId ? user.Id : null;
    }

    private async Task<User?> ByCustomerAsync(string customerId, CancellationToken ct) =>
        preloaded && byCustomer.TryGetValue(customerId, out var user) ? user : await db.Set<User>().FirstOrDefaultAsync(u => u.StripeCustomerId == customerId, ct);

    private async Task<User?> ByEmailAsync(string email, CancellationToken ct) =>
        preloaded && byEmail.TryGetValue(email, out var user) ? user : await db.Set<User>().FirstOrDefaultAsync(u => u.Email == email, ct);

    private async Task<User?> ByIdAsync(long id, CancellationToken ct) =>
        preloaded && byId.TryGetValue(id, out var user) ? user : await db.Set<User>().FirstOrDefaultAsync(u => u.Id == id, ct);
}
