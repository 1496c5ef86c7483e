using System.Net;
using Stripe;
using Stripe.Billing;
using Stripe.TestHelpers;

namespace Tally.StripeEmulator.Tests.Billing;

[Collection(BillingCollection.Name)]
public sealed class MeterEventTests(BillingFixture f)
{
    private static readonly DateTime T0 = BillingCycleTests.T0;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(StripeClient Stripe, string Key, string Customer, Meter Meter)> SetupAsync(string formula = "sum")
    {
        var key = BillingFixture.NewKey();
        var stripe = f.Client(key);
        var clock = await stripe.V1.TestHelpers.TestClocks.CreateAsync(new TestClockCreateOptions { FrozenTime = T0 }, cancellationToken: Ct);
        var customer = await CatalogSeed.CustomerAsync(stripe, clock.Id, card: null);
        var meter = await CatalogSeed.MeterAsync(stripe, formula: formula);
        return (stripe, key, customer, meter);
    }

    private static Task<MeterEvent> SendAsync(StripeClient stripe, string customer, string value, string? identifier = null, DateTime? at = null) =>
        stripe.V1.Billing.MeterEvents.CreateAsync(new MeterEventCreateOptions
        {
            EventName = "api_requests",
            Identifier = identifier,
            Payload = new() { ["stripe_customer_id"] = customer, ["value"] = value },
            Timestamp = at,
        }, cancellationToken: Ct);

    [Fact]
    public async Task MeterEvent_EchoesThePayload_AndDuplicateIdentifierIs400()
    {
        var (stripe, key, customer, meter) = await SetupAsync();
        var ev = await SendAsync(stripe, customer, "25", "usage-1");
        Assert.Equal("usage-1", ev.Identifier);
        Assert.Equal("25", ev.Payload["value"]);
        Assert.Equal(T0, ev.Timestamp);

        var dup = await Assert.ThrowsAsync<StripeException>(() => SendAsync(stripe, customer, "25", "usage-1"));
        Assert.Equal(HttpStatusCode.BadRequest, dup.HttpStatusCode);
        Assert.Contains("already exists with identifier", dup.StripeError.Message);
        Assert.Equal("false", dup.StripeResponse.Headers.GetValues("Stripe-Should-Retry").Single());
        Assert.Equal(25m, f.Server.Control.MeterTotal(key, customer, meter.Id, T0, T0.AddHours(1)));
        Assert.Equal(25m, f.Server.Control.MeterTotal(key, customer, "api_requests", T0, T0.AddHours(1)));
    }

    [Theory]
    [InlineData(-36 * 24 * 3600, true)]
    [InlineData(-34 * 24 * 3600, false)]
    [InlineData(6 * 60, true)]
    [InlineData(4 * 60, false)]
    public async Task MeterEvent_TimestampWindow_Is35DaysBackAnd5MinutesAhead_OfTheCustomersClock(int offsetSeconds, bool rejected)
    {
        var (stripe, _, customer, _) = await SetupAsync();
        var send = () => SendAsync(stripe, customer, "1", at: T0.AddSeconds(offsetSeconds));
        if (!rejected)
        {
            await send();
            return;
        }
        var e = await Assert.ThrowsAsync<StripeException>(send);
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal("timestamp", e.StripeError.Param);
    }

    [Theory]
    [InlineData("1.5", "payload[value]")]
    [InlineData("ten", "payload[value]")]
    [InlineData("1234567890123456", "payload[value]")]
    public async Task MeterEvent_Value_MustBeAWholeNumber(string value, string param)
    {
        var (stripe, _, customer, _) = await SetupAsync();
        var e = await Assert.ThrowsAsync<StripeException>(() => SendAsync(stripe, customer, value));
        Assert.Equal(param, e.StripeError.Param);
    }

    [Fact]
    public async Task MeterEvent_UnknownEventOrCustomer_Is400()
    {
        var (stripe, _, _, _) = await SetupAsync();
        var noCustomer = await Assert.ThrowsAsync<StripeException>(() => SendAsync(stripe, "cus_missing", "1"));
        Assert.Equal("payload[stripe_customer_id]", noCustomer.StripeError.Param);
        var noMeter = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Billing.MeterEvents.CreateAsync(
            new MeterEventCreateOptions { EventName = "nope", Payload = new() { ["stripe_customer_id"] = "cus_x", ["value"] = "1" } }, cancellationToken: Ct));
        Assert.Equal("event_name", noMeter.StripeError.Param);
    }

    [Fact]
    public async Task Adjustment_CancelsTheEventsContribution()
    {
        var (stripe, key, customer, meter) = await SetupAsync();
        await SendAsync(stripe, customer, "10", "a");
        await SendAsync(stripe, customer, "5", "b");
        var adj = await stripe.V1.Billing.MeterEventAdjustments.CreateAsync(new MeterEventAdjustmentCreateOptions
        {
            EventName = "api_requests",
            Type = "cancel",
            Cancel = new MeterEventAdjustmentCancelOptions { Identifier = "a" },
        }, cancellationToken: Ct);
        Assert.Equal("cancel", adj.Type);
        Assert.Equal(5m, f.Server.Control.MeterTotal(key, customer, meter.Id, T0, T0.AddDays(1)));
        var again = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Billing.MeterEventAdjustments.CreateAsync(new MeterEventAdjustmentCreateOptions
        {
            EventName = "api_requests",
            Type = "cancel",
            Cancel = new MeterEventAdjustmentCancelOptions { Identifier = "a" },
        }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, again.HttpStatusCode);
    }

    [Fact]
    public async Task V2SessionAndStream_AreAcceptedAndCounted()
    {
        var (stripe, key, customer, meter) = await SetupAsync();
        var session = await stripe.V2.Billing.MeterEventSession.CreateAsync(new Stripe.V2.Billing.MeterEventSessionCreateOptions(), cancellationToken: Ct);
        Assert.False(string.IsNullOrEmpty(session.AuthenticationToken));
        Assert.True(session.ExpiresAt > session.Created);
        var events = Enumerable.Range(0, 100).Select(i => new Stripe.V2.Billing.MeterEventStreamCreateEventOptions
        {
            EventName = "api_requests",
            Identifier = $"s{i}",
            Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "2" },
            Timestamp = T0.AddSeconds(i),
        }).ToList();
        await stripe.V2.Billing.MeterEventStream.CreateAsync(new Stripe.V2.Billing.MeterEventStreamCreateOptions { Events = events },
            new RequestOptions { ApiKey = session.AuthenticationToken }, Ct);
        Assert.Equal(200m, f.Server.Control.MeterTotal(key, customer, meter.Id, T0, T0.AddHours(1)));

        var single = await stripe.V2.Billing.MeterEvents.CreateAsync(new Stripe.V2.Billing.MeterEventCreateOptions
        {
            EventName = "api_requests",
            Payload = new() { ["stripe_customer_id"] = customer, ["value"] = "7" },
        }, cancellationToken: Ct);
        Assert.Equal("api_requests", single.EventName);
        Assert.Equal(207m, f.Server.Control.MeterTotal(key, customer, meter.Id, T0, T0.AddHours(1)));

        var bad = await Assert.ThrowsAnyAsync<StripeException>(() => stripe.V2.Billing.MeterEventStream.CreateAsync(
            new Stripe.V2.Billing.MeterEventStreamCreateOptions { Events = events }, new RequestOptions { ApiKey = "mes_not_a_session" }, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, bad.HttpStatusCode);
    }

    [Fact]
    public async Task Summaries_WholeRangeAndHourlyWindows_NewestFirst()
    {
        var (stripe, _, customer, meter) = await SetupAsync();
        await SendAsync(stripe, customer, "3", at: T0.AddMinutes(-90));
        await SendAsync(stripe, customer, "4", at: T0.AddMinutes(-30));
        await SendAsync(stripe, customer, "5", at: T0.AddMinutes(-29));
        var whole = await stripe.V1.Billing.Meters.EventSummaries.ListAsync(meter.Id, new MeterEventSummaryListOptions
        {
            Customer = customer, StartTime = T0.AddHours(-2), EndTime = T0,
        }, cancellationToken: Ct);
        var one = Assert.Single(whole.Data);
        Assert.Equal(12m, one.AggregatedValue);
        var hourly = await stripe.V1.Billing.Meters.EventSummaries.ListAsync(meter.Id, new MeterEventSummaryListOptions
        {
            Customer = customer, StartTime = T0.AddHours(-2), EndTime = T0, ValueGroupingWindow = "hour",
        }, cancellationToken: Ct);
        Assert.Equal([9m, 3m], hourly.Data.Select(s => s.AggregatedValue));
        Assert.Equal(T0.AddHours(-1), hourly.Data[0].StartTime);
        Assert.Equal(T0, hourly.Data[0].EndTime);
    }

    [Theory]
    [InlineData(30, 0, null, "start_time")]
    [InlineData(0, 90, null, "end_time")]
    [InlineData(60, 0, "hour", "start_time")]
    [InlineData(0, 0, "day", "start_time")]
    public async Task Summaries_MisalignedTimes_Are400(int startOffsetSeconds, int endOffsetSeconds, string? window, string param)
    {
        var (stripe, _, customer, meter) = await SetupAsync();
        var e = await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Billing.Meters.EventSummaries.ListAsync(meter.Id, new MeterEventSummaryListOptions
        {
            Customer = customer,
            StartTime = T0.AddHours(-3).AddSeconds(startOffsetSeconds + (window == "day" ? 3600 : 0)),
            EndTime = T0.AddSeconds(endOffsetSeconds),
            ValueGroupingWindow = window,
        }, cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.BadRequest, e.HttpStatusCode);
        Assert.Equal(param, e.StripeError.Param);
    }

    [Fact]
    public async Task Meters_EventNameUniqueAmongActive_DeactivateFreesIt()
    {
        var (stripe, _, _, meter) = await SetupAsync();
        var dup = await Assert.ThrowsAsync<StripeException>(() => CatalogSeed.MeterAsync(stripe));
        Assert.Equal("event_name", dup.StripeError.Param);
        var off = await stripe.V1.Billing.Meters.DeactivateAsync(meter.Id, cancellationToken: Ct);
        Assert.Equal("inactive", off.Status);
        Assert.NotNull(off.StatusTransitions.DeactivatedAt);
        var second = await CatalogSeed.MeterAsync(stripe, formula: "last");
        Assert.Equal("last", second.DefaultAggregation.Formula);
        await Assert.ThrowsAsync<StripeException>(() => stripe.V1.Billing.Meters.ReactivateAsync(meter.Id, cancellationToken: Ct));
        var renamed = await stripe.V1.Billing.Meters.UpdateAsync(second.Id, new MeterUpdateOptions { DisplayName = "Renamed" }, cancellationToken: Ct);
        Assert.Equal("Renamed", renamed.DisplayName);
        var active = await stripe.V1.Billing.Meters.ListAsync(new MeterListOptions { Status = "active" }, cancellationToken: Ct);
        Assert.Equal(second.Id, Assert.Single(active.Data).Id);
        Assert.Equal("stripe_customer_id", second.CustomerMapping.EventPayloadKey);
        Assert.Equal("value", second.ValueSettings.EventPayloadKey);
    }

    [Fact]
    public async Task LastAndCountFormulas_Aggregate()
    {
        var (stripe, key, customer, meter) = await SetupAsync("last");
        await SendAsync(stripe, customer, "7", at: T0.AddSeconds(-20));
        await SendAsync(stripe, customer, "3", at: T0.AddSeconds(-10));
        await SendAsync(stripe, customer, "9", at: T0.AddSeconds(-30));
        Assert.Equal(3m, f.Server.Control.MeterTotal(key, customer, meter.Id, T0.AddMinutes(-1), T0));
    }
}
