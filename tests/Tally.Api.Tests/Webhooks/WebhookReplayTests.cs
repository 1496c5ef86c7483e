using System.Net;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>Permanent errors still end failed; admins put every failed event (by type and time) back in the queue at once.</summary>
public sealed class WebhookReplayTests(FastRetryTallyFactory factory) : IClassFixture<FastRetryTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<WebhookEvent> EventOfAsync(string objectId, string type) => factory.WithDbAsync(db =>
        db.Set<WebhookEvent>().AsNoTracking().SingleAsync(e => e.ObjectId == objectId && e.Type == type, Ct));

    [Fact]
    public async Task PermanentStripeError_EndsFailed_AndBulkReplayQueuesTheFailedEventsOfOneType()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        await DrainedAsync(factory);
        // A restricted key without access to customers and products: 403, which waiting does not cure.
        factory.Emulator.Control.AddFault(new FaultRule { PathPrefix = "/v1/customers/", Method = "GET", Kind = FaultKind.PermissionDenied });
        factory.Emulator.Control.AddFault(new FaultRule { PathPrefix = "/v1/products/", Method = "GET", Kind = FaultKind.PermissionDenied });
        var customers = new List<string>();
        string product;
        try
        {
            for (var i = 0; i < 2; i++)
            {
                customers.Add((await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = $"Replay {i}" }, cancellationToken: Ct)).Id);
            }

            product = (await factory.Stripe.V1.Products.CreateAsync(new ProductCreateOptions { Name = "Replay" }, cancellationToken: Ct)).Id;
            foreach (var (id, type) in customers.Select(c => (c, "customer.created")).Append((product, "product.created")))
            {
                await Eventually.TrueAsync(async () => (await factory.WithDbAsync(db => db.Set<WebhookEvent>().AnyAsync(e => e.ObjectId == id && e.Type == type && e.Status == WebhookStatus.Failed, Ct))),
                    $"{type} of {id} to end failed");
                var failed = await EventOfAsync(id, type);
                Assert.Equal(2, failed.Attempts);
                Assert.Contains("403", failed.LastError, StringComparison.Ordinal);
            }
        }
        finally
        {
            factory.Emulator.Control.ClearFaults();
        }

        using var replay = await admin.PostAsync("/api/admin/webhooks/replay?type=customer.created", null, Ct);

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        var answer = await JsonAsync(replay);
        Assert.Equal(2, answer.GetProperty("queued").GetInt32());
        Assert.Equal("customer.created", answer.GetProperty("type").GetString());
        foreach (var id in customers)
        {
            await Eventually.TrueAsync(async () => (await EventOfAsync(id, "customer.created")).Status == WebhookStatus.Processed, $"the replayed event of {id} to be processed");
        }

        Assert.Equal(2, await factory.WithDbAsync(db => db.Set<MirroredCustomer>().CountAsync(c => customers.Contains(c.StripeCustomerId), Ct)));
        Assert.Equal(WebhookStatus.Failed, (await EventOfAsync(product, "product.created")).Status);

        // A window that ends before the product's event was received queues nothing; one around it queues it.
        var received = (await EventOfAsync(product, "product.created")).ReceivedAt;
        using var before = await admin.PostAsync($"/api/admin/webhooks/replay?to={Uri.EscapeDataString(received.AddSeconds(-1).ToString("O"))}", null, Ct);
        Assert.Equal(0, (await JsonAsync(before)).GetProperty("queued").GetInt32());
        using var around = await admin.PostAsync(
            $"/api/admin/webhooks/replay?from={Uri.EscapeDataString(received.AddSeconds(-1).ToString("O"))}&to={Uri.EscapeDataString(received.AddSeconds(1).ToString("O"))}", null, Ct);
        Assert.Equal(1, (await JsonAsync(around)).GetProperty("queued").GetInt32());
        await Eventually.TrueAsync(async () => (await EventOfAsync(product, "product.created")).Status == WebhookStatus.Processed, "the replayed product event to be processed");
    }

    [Theory]
    [InlineData("/api/admin/webhooks/replay?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "validation_failed", "to")]
    [InlineData("/api/admin/webhooks/replay?type=not%20a%20type", "validation_failed", "type")]
    [InlineData("/api/admin/webhooks/replay?from=yesterday", "validation_failed", "from")]
    public async Task BulkReplay_WithBadFilters_Is400NamingTheFilter_AndQueuesNothing(string url, string code, string? field)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        var failedBefore = await factory.WithDbAsync(db => db.Set<WebhookEvent>().CountAsync(e => e.Status == WebhookStatus.Failed, Ct));

        using var response = await admin.PostAsync(url, null, Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, code);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        }
        else
        {
            Assert.Contains("from", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(failedBefore, await factory.WithDbAsync(db => db.Set<WebhookEvent>().CountAsync(e => e.Status == WebhookStatus.Failed, Ct)));
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("editor")]
    public async Task BulkReplay_ForNonAdmins_Is403(string role)
    {
        var (client, _) = await factory.ClientWithRoleAsync(role);

        using var response = await client.PostAsync("/api/admin/webhooks/replay", null, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
    }
}
