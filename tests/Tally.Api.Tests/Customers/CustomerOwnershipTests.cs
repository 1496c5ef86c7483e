using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Users;
using Tally.Api.Infrastructure.Stripe;
using Tally.Api.Tests.Support;

namespace Tally.Api.Tests.Customers;

/// <summary>
/// Who owns a Stripe customer: the ones this installation created (marked), and the ones an admin
/// attached on purpose (audited). Never a customer that merely names the user in its metadata.
/// </summary>
public sealed class CustomerOwnershipTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Installation => factory.Services.GetRequiredService<StripeAccount>().InstallationId!;

    [Fact]
    public async Task CreateCustomer_MarksTheCustomer_AndItsIdempotencyKeyIsThisInstallations()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var email = await UserRows.EmailAsync(factory, userId);
        // Another Tally on the same Stripe account, with the same user numbering, created "its" user's
        // customer first under the key an installation-less Tally would use.
        var stranger = await factory.Stripe.V1.Customers.CreateAsync(
            new CustomerCreateOptions { Email = email, Metadata = new() { ["user_id"] = userId.ToString(CultureInfo.InvariantCulture) } },
            new RequestOptions { IdempotencyKey = $"tally-customer-{userId}" }, Ct);

        var id = await StripeArrange.CreateCustomerAsync(client);

        Assert.NotEqual(stranger.Id, id);
        var inStripe = await factory.Stripe.V1.Customers.GetAsync(id, cancellationToken: Ct);
        Assert.Equal(Installation, inStripe.Metadata["tally_installation"]);
        Assert.Equal(userId.ToString(CultureInfo.InvariantCulture), inStripe.Metadata["tally_user_id"]);
        Assert.False(inStripe.Metadata.ContainsKey("user_id"));
        Assert.Equal(Installation, await factory.WithDbAsync(db =>
            db.Set<StripeSetting>().Where(s => s.Key == StripeSetting.InstallationId).Select(s => s.Value).SingleAsync(Ct)));
    }

    [Fact]
    public async Task Import_AttachesAnExistingCustomer_Audited()
    {
        var (viewer, userId) = await factory.ClientWithRoleAsync("viewer");
        var (admin, adminId) = await factory.ClientWithRoleAsync("admin");
        var existing = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Legacy Ltd", Email = "legacy@example.test" }, cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.GetAsync("/api/stripe/customer", Ct)).StatusCode);

        var answer = await ImportAsync(admin, userId, existing.Id);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var body = await answer.Content.ReadFromJsonAsync<JsonElement>(TallyFactory.Json, Ct);
        Assert.Equal(existing.Id, body.GetProperty("stripe_customer_id").GetString());
        Assert.Equal(existing.Id, await UserRows.StripeCustomerIdAsync(factory, userId));
        var mine = await viewer.GetFromJsonAsync<JsonElement>("/api/stripe/customer", TallyFactory.Json, Ct);
        Assert.Equal("Legacy Ltd", mine.GetProperty("name").GetString());
        Assert.Equal(userId, await factory.WithDbAsync(db =>
            db.Set<MirroredCustomer>().Where(c => c.StripeCustomerId == existing.Id).Select(c => c.UserId).SingleAsync(Ct)));
        var audit = await factory.WithDbAsync(db => db.Set<AuditLogEntry>().SingleAsync(
            e => e.Action == "user.stripe_customer_imported" && e.TargetId == userId.ToString(CultureInfo.InvariantCulture), Ct));
        Assert.Equal(adminId, audit.ActorUserId);
        Assert.Equal(existing.Id, audit.NewValue);

        // Asking again is harmless.
        Assert.Equal(HttpStatusCode.OK, (await ImportAsync(admin, userId, existing.Id)).StatusCode);
    }

    [Fact]
    public async Task Import_Refuses_WhatWouldHandOverOrOverwriteACustomer()
    {
        var (owner, _) = await factory.ClientWithRoleAsync("editor");
        var owned = await StripeArrange.CreateCustomerAsync(owner);
        var (_, other) = await factory.ClientWithRoleAsync("viewer");
        var (withOwn, withOwnId) = await factory.ClientWithRoleAsync("editor");
        await StripeArrange.CreateCustomerAsync(withOwn);
        var spare = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Spare" }, cancellationToken: Ct);
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        await ProblemAssert.IsProblemAsync(await ImportAsync(admin, other, owned), HttpStatusCode.Conflict, "customer_already_linked");
        await ProblemAssert.IsProblemAsync(await ImportAsync(admin, withOwnId, spare.Id), HttpStatusCode.Conflict, "user_has_customer");
        await ProblemAssert.IsProblemAsync(await ImportAsync(admin, other, "cus_doesnotexist"), HttpStatusCode.NotFound, "stripe_customer_not_found");
        await ProblemAssert.IsProblemAsync(await ImportAsync(admin, 999_999, spare.Id), HttpStatusCode.NotFound, "user_not_found");
        await ProblemAssert.IsProblemAsync(await ImportAsync(admin, other, "not an id"), HttpStatusCode.BadRequest, "validation_failed");
        Assert.Null(await UserRows.StripeCustomerIdAsync(factory, other));
        Assert.False(await factory.WithDbAsync(db => db.Set<AuditLogEntry>().AnyAsync(
            e => e.Action == "user.stripe_customer_imported" && e.TargetId == other.ToString(CultureInfo.InvariantCulture), Ct)));
    }

    [Fact]
    public async Task CustomerDeletedInStripe_IsReleased_AndCreateCustomerMakesANewOne()
    {
        var (client, userId) = await factory.ClientWithRoleAsync("editor");
        var first = await StripeArrange.CreateCustomerAsync(client);

        await factory.Stripe.V1.Customers.DeleteAsync(first, cancellationToken: Ct);

        await Eventually.TrueAsync(async () => await UserRows.StripeCustomerIdAsync(factory, userId) is null, "customer.deleted to release the user's customer");
        var second = await StripeArrange.CreateCustomerAsync(client);
        Assert.NotEqual(first, second);
        Assert.False((await factory.Stripe.V1.Customers.GetAsync(second, cancellationToken: Ct)).Deleted ?? false);
        Assert.Equal(second, await UserRows.StripeCustomerIdAsync(factory, userId));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/stripe/customer", Ct)).StatusCode);
    }

    private static Task<HttpResponseMessage> ImportAsync(HttpClient admin, long userId, string customerId) =>
        admin.PostAsJsonAsync($"/api/admin/users/{userId}/stripe_customer", new { stripe_customer_id = customerId }, Ct);
}
