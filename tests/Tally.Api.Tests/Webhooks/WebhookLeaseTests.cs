using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Stripe;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>
/// Claims are fenced and kept alive: two processors on their own fake clocks, one held inside a
/// Stripe call (the emulator holds the request until the test lets it go).
/// </summary>
public sealed class WebhookLeaseTests(NoProcessorTallyFactory factory) : IClassFixture<NoProcessorTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private TimeSpan Lease => factory.Services.GetRequiredService<IOptions<WebhookOptions>>().Value.Lease;

    private Task<WebhookEvent> RowAsync(string customerId) => factory.WithDbAsync(db =>
        db.Set<WebhookEvent>().AsNoTracking().SingleAsync(e => e.ObjectId == customerId && e.Type == "customer.created", Ct));

    /// <summary>A new customer whose <c>customer.created</c> is stored, and a gate that holds the next GETs of it (<paramref name="held"/> of them).</summary>
    private async Task<(string CustomerId, TaskCompletionSource Gate)> HeldCustomerAsync(int held)
    {
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Lease", Email = "lease@example.test" }, cancellationToken: Ct);
        await StoredAllAsync(factory);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Emulator.Control.AddFault(new FaultRule
        {
            PathPrefix = $"/v1/customers/{customer.Id}", Method = "GET", Kind = FaultKind.Latency, Remaining = held, HoldUntil = gate.Task,
        });
        return (customer.Id, gate);
    }

    /// <summary>A start for a fake clock: due for what is stored now, and whole seconds survive the database's timestamp encoding exactly.</summary>
    private static DateTimeOffset WholeSecondSoon() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);

    private Task HeldAsync(string customerId) => Eventually.TrueAsync(
        () => Task.FromResult(factory.Emulator.Control.Requests.Any(r => r.Method == "GET" && r.Path == $"/v1/customers/{customerId}")),
        "the processor to be inside its Stripe call");

    [Fact]
    public async Task ClaimTakenOverAfterItsLease_TheOldWorkersLateUpdate_DoesNotOverwriteTheNewOwnersResult()
    {
        var (customerId, gate) = await HeldCustomerAsync(held: 1);
        var start = WholeSecondSoon();
        var oldWorker = Processor(factory, clock: new FakeTimeProvider(start));
        DateTimeOffset? newOwnerTime = start + Lease + TimeSpan.FromMinutes(1);
        var newOwner = Processor(factory, clock: new FakeTimeProvider(newOwnerTime.Value));

        var late = oldWorker.RunOnceAsync(Ct);
        try
        {
            await HeldAsync(customerId);
            Assert.True(await newOwner.RunOnceAsync(Ct) > 0, "the expired claim was taken over");
            var result = await RowAsync(customerId);
            Assert.Equal((WebhookStatus.Processed, 1, newOwnerTime), (result.Status, result.Attempts, result.ProcessedAt));
        }
        finally
        {
            gate.TrySetResult();
        }

        await late;

        var row = await RowAsync(customerId);
        Assert.Equal((WebhookStatus.Processed, 1, newOwnerTime, (string?)null), (row.Status, row.Attempts, row.ProcessedAt, row.LockedBy));
    }

    [Fact]
    public async Task LeaseIsRenewedWhileTheBatchRuns_SoNoOtherProcessorClaimsItsRows()
    {
        var (customerId, gate) = await HeldCustomerAsync(held: 3);
        var start = WholeSecondSoon();
        var clock = new FakeTimeProvider(start);
        var worker = Processor(factory, clock: clock);

        var run = worker.RunOnceAsync(Ct);
        try
        {
            await HeldAsync(customerId);
            var claimed = await RowAsync(customerId);
            Assert.Equal(start + Lease, claimed.LockedUntil!.Value);

            // Four renewal periods (a third of the lease each): the batch outlives its first lease.
            for (var i = 0; i < 4; i++)
            {
                clock.Advance(Lease / 3);
                var expected = clock.GetUtcNow() + Lease;
                await Eventually.TrueAsync(async () => (await RowAsync(customerId)).LockedUntil == expected, $"the lease renewed to {expected:O}");
            }

            var other = await factory.WithDbAsync(async db =>
                await WebhookClaims.ClaimAsync(db, "other", 500, start + Lease + TimeSpan.FromSeconds(10), Lease, Ct));
            Assert.DoesNotContain(other, e => e.ObjectId == customerId);
            Assert.Equal(claimed.LockedBy, (await RowAsync(customerId)).LockedBy);
        }
        finally
        {
            gate.TrySetResult();
        }

        await run;
        var row = await RowAsync(customerId);
        Assert.Equal((WebhookStatus.Processed, 1), (row.Status, row.Attempts));
    }
}
