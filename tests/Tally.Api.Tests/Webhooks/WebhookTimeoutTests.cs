using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>Every Stripe call has a timeout well under the claim's lease: a hung call ends as a retryable failure.</summary>
public sealed class WebhookTimeoutTests(StripeTimeoutTallyFactory factory) : IClassFixture<StripeTimeoutTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StripeCallThatNeverAnswers_TimesOut_AndTheEventIsRetriedLater()
    {
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Hung" }, cancellationToken: Ct);
        await StoredAllAsync(factory);
        var never = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        factory.Emulator.Control.AddFault(new FaultRule { PathPrefix = $"/v1/customers/{customer.Id}", Method = "GET", Kind = FaultKind.Latency, HoldUntil = never.Task });
        try
        {
            var run = Processor(factory).RunOnceAsync(Ct);

            // Without a timeout the batch waits for the emulator, which never answers: this limit is what fails.
            Assert.True(await Eventually.WithinAsync(() => Task.FromResult(run.IsCompleted), Eventually.DefaultTimeout), "the batch to end (its Stripe call timed out) while Stripe still held the request");
            await run;
            var row = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().SingleAsync(e => e.ObjectId == customer.Id && e.Type == "customer.created", Ct));
            Assert.Equal((WebhookStatus.Pending, 1), (row.Status, row.Attempts));
            Assert.Contains("timed out", row.LastError, StringComparison.Ordinal);
            Assert.Null(row.LockedBy);
            Assert.False(never.Task.IsCompleted);
        }
        finally
        {
            factory.Emulator.Control.ClearFaults();
            never.TrySetResult();
        }
    }
}
