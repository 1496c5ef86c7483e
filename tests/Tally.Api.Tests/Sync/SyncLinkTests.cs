using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Sync;
using Tally.Api.Infrastructure.Cli;
using Tally.Api.Infrastructure.Stripe;
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
    public async Task Sync_NeverLinks_ByABareMetadataUserId_OrByEmail()
    {
        // The product sharing the Stripe account tags its customers user_id with its own numbering.
        var subject = $"stranger-{Guid.NewGuid():N}";
        var (_, userId) = await factory.ClientWithRoleAsync("viewer", subject);
        var byEmail = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = $"{subject}@example.com" }, cancellationToken: Ct);
        var byMetadata = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = "someone-else@example.test", Metadata = new() { ["user_id"] = userId.ToString(CultureInfo.InvariantCulture) },
        }, cancellationToken: Ct);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        await SyncAsync(admin);

        Assert.Null(await LinkOfAsync(byEmail.Id));
        Assert.Null(await LinkOfAsync(byMetadata.Id));
        Assert.Null(await UserRows.StripeCustomerIdAsync(factory, userId));
    }

    [Fact]
    public async Task Sync_LinksOnlyCustomers_MarkedByThisInstallation()
    {
        var (_, ours) = await factory.ClientWithRoleAsync("viewer");
        var subject = $"foreign-{Guid.NewGuid():N}";
        var (_, theirs) = await factory.ClientWithRoleAsync("viewer", subject);
        var installation = factory.Services.GetRequiredService<StripeAccount>().InstallationId;
        Assert.False(string.IsNullOrEmpty(installation));
        var marked = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Metadata = new() { ["tally_installation"] = installation!, ["tally_user_id"] = ours.ToString(CultureInfo.InvariantCulture) },
        }, cancellationToken: Ct);
        // Another Tally (a staging install) on the same account, with the same user numbering and the same email.
        var foreign = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions
        {
            Email = $"{subject}@example.com",
            Metadata = new() { ["tally_installation"] = "tly_someone_else", ["tally_user_id"] = theirs.ToString(CultureInfo.InvariantCulture) },
        }, cancellationToken: Ct);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        await SyncAsync(admin);

        Assert.Equal(ours, await LinkOfAsync(marked.Id));
        Assert.Equal(marked.Id, await UserRows.StripeCustomerIdAsync(factory, ours));
        Assert.Null(await LinkOfAsync(foreign.Id));
        Assert.Null(await UserRows.StripeCustomerIdAsync(factory, theirs));
    }

    private Task<long?> LinkOfAsync(string customerId) =>
        factory.WithDbAsync(db => db.Set<MirroredCustomer>().Where(c => c.StripeCustomerId == customerId).Select(c => c.UserId).SingleAsync(Ct));

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
