using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Sync;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Cli;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Sync;

public sealed class SyncLinkTests(NoProcessorTallyFactory factory) : IClassFixture<NoProcessorTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> SyncAsync(HttpClient admin)
    {
        using var response = await admin.PostAsJsonAsync("/api/admin/stripe/sync", new { }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
    }

    [Fact]
    public async Task Sync_LinksCustomersToUsers_ByEmailAndByMetadataUserId()
    {
        var byEmailSubject = $"byemail-{Guid.NewGuid():N}";
        var (_, byEmailUser) = await factory.ClientWithRoleAsync("viewer", byEmailSubject);
        var (_, byMetadataUser) = await factory.ClientWithRoleAsync("viewer");
        var byEmail = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"{byEmailSubject}@example.com" }, cancellationToken: Ct);
        var byMetadata = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "someone-else@example.test", Metadata = new() { ["user_id"] = byMetadataUser.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }, cancellationToken: Ct);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        await SyncAsync(admin);

        var links = await factory.WithDbAsync(db => db.Set<MirroredCustomer>().Where(c => c.StripeCustomerId == byEmail.Id || c.StripeCustomerId == byMetadata.Id)
            .ToDictionaryAsync(c => c.StripeCustomerId, c => c.UserId, Ct));
        Assert.Equal(byEmailUser, links[byEmail.Id]);
        Assert.Equal(byMetadataUser, links[byMetadata.Id]);
        Assert.Equal(byEmail.Id, await factory.WithDbAsync(db => db.Set<User>().Where(u => u.Id == byEmailUser).Select(u => u.StripeCustomerId).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Sync_AppliesStripeState_EvenWhenTheRowIsNewerInStripeTimeThanTheLocalClock()
    {
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Before", Email = "ahead@example.test" }, cancellationToken: Ct);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        await SyncAsync(admin);
        // As if a webhook from a test clock a year ahead had been applied last.
        var ahead = DateTimeOffset.UtcNow.AddYears(1);
        await factory.WithDbAsync(async db =>
        {
            var row = await db.Set<MirroredCustomer>().SingleAsync(c => c.StripeCustomerId == customer.Id, Ct);
            row.SourceTimestamp = ahead;
            await db.SaveChangesAsync(Ct);
        });
        await factory.Stripe.V1.Customers.UpdateAsync(customer.Id, new CustomerUpdateOptions { Name = "After" }, cancellationToken: Ct);

        var result = await SyncAsync(admin);

        Assert.Equal(1, result.GetProperty("customers").GetProperty("changed").GetInt32());
        var row = await factory.WithDbAsync(db => db.Set<MirroredCustomer>().AsNoTracking().SingleAsync(c => c.StripeCustomerId == customer.Id, Ct));
        Assert.Equal("After", row.Name);
    }

    [Fact]
    public void StripeSyncVerb_IsParsed()
    {
        var command = CliCommand.Parse(["stripe", "sync"], [SyncVerbs.StripeSync]);

        Assert.Equal("stripe sync", command.Verb);
        Assert.True(command.TalksToStripe);
        Assert.Throws<CliUsageException>(() => CliCommand.Parse(["stripe", "unsync"], [SyncVerbs.StripeSync]));
    }
}
