using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Users;

namespace Tally.Api.Tests.Support;

/// <summary>Reads of a user's stored row, for assertions on what Tally kept.</summary>
public static class UserRows
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<string?> EmailAsync(TallyFactory factory, long userId) =>
        factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == userId).Select(u => u.Email).SingleAsync(Ct));

    public static Task<string?> StripeCustomerIdAsync(TallyFactory factory, long userId) =>
        factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == userId).Select(u => u.StripeCustomerId).SingleAsync(Ct));
}
