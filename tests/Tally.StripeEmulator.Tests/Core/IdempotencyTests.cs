using System.Net;
using Stripe;
using Tally.StripeEmulator.Tests.Support;

namespace Tally.StripeEmulator.Tests.Core;

public sealed class IdempotencyTests(EmulatorFixture fx) : IClassFixture<EmulatorFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SameKeySameParams_ReplaysSameObject_WithReplayedHeader()
    {
        var client = fx.NewClient();
        var options = new CustomerCreateOptions { Email = "once@example.com", Metadata = new() { ["user_id"] = "7" } };
        var first = await client.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = "cust-7" }, Ct);
        var second = await client.V1.Customers.CreateAsync(options, new RequestOptions { IdempotencyKey = "cust-7" }, Ct);

        Assert.Equal(first.Id, second.Id);
        Assert.False(first.StripeResponse.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.StripeResponse.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await client.V1.Customers.ListAsync(cancellationToken: Ct)).Data);
    }

    [Fact]
    public async Task SameKeyDifferentParams_Is400IdempotencyError()
    {
        var client = fx.NewClient();
        await client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, new RequestOptions { IdempotencyKey = "k" }, Ct);
        var e = await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, new RequestOptions { IdempotencyKey = "k" }, Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("idempotency_error", e.StripeError.Type);
        Assert.Contains("same parameters", e.StripeError.Message);
    }

    [Fact]
    public async Task SameKeyPerAccount_DoesNotCollideAcrossAccounts()
    {
        var a = fx.NewClient();
        var b = fx.NewClient();
        var ca = await a.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "a@example.com" }, new RequestOptions { IdempotencyKey = "shared" }, Ct);
        var cb = await b.V1.Customers.CreateAsync(new CustomerCreateOptions { Email = "b@example.com" }, new RequestOptions { IdempotencyKey = "shared" }, Ct);
        Assert.NotEqual(ca.Id, cb.Id);
    }

    [Fact]
    public async Task SameKeyWhileFirstInFlight_Is409()
    {
        var key = EmulatorFixture.NewKey();
        var noRetry = fx.Client(key, maxNetworkRetries: 0);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        fx.Server.Control.AddFault(new FaultRule { PathPrefix = "/v1/products", Kind = FaultKind.Latency, HoldUntil = gate.Task, Remaining = 1 });
        var options = new ProductCreateOptions { Name = "Slow" };
        var first = noRetry.V1.Products.CreateAsync(options, new RequestOptions { IdempotencyKey = "slow-1" }, Ct);
        while (!fx.Server.Control.WithAccount(key, a => a.Idempotency.IsInFlight("slow-1")))
        {
            await Task.Delay(10, Ct);
        }

        var e = await Assert.ThrowsAsync<StripeException>(() => noRetry.V1.Products.CreateAsync(options, new RequestOptions { IdempotencyKey = "slow-1" }, Ct));
        Assert.Equal(HttpStatusCode.Conflict, e.HttpStatusCode);
        Assert.Equal("idempotency_error", e.StripeError.Type);

        gate.SetResult();
        var product = await first;
        var replay = await noRetry.V1.Products.CreateAsync(options, new RequestOptions { IdempotencyKey = "slow-1" }, Ct);
        Assert.Equal(product.Id, replay.Id);
    }

    [Fact]
    public async Task FailedValidation_IsNotSaved_SoTheKeyCanBeReused()
    {
        var client = fx.NewClient();
        await Assert.ThrowsAsync<StripeException>(() =>
            client.V1.Coupons.CreateAsync(new CouponCreateOptions { Duration = "once" }, new RequestOptions { IdempotencyKey = "coupon-1" }, Ct));
        var coupon = await client.V1.Coupons.CreateAsync(new CouponCreateOptions { Duration = "once", PercentOff = 10 }, new RequestOptions { IdempotencyKey = "coupon-1" }, Ct);
        Assert.Equal(10m, coupon.PercentOff);
    }
}
