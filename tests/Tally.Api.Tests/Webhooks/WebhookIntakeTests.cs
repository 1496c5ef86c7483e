using System.Net;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>The anonymous intake: only the Stripe signature authenticates; a bad one stores nothing.</summary>
public sealed class WebhookIntakeTests(StripeTallyFactory factory) : IClassFixture<StripeTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewId() => $"evt_test_{Guid.NewGuid():N}";

    private static string CouponEvent(string id) => EventJson(id, "coupon.created", """{"id":"co_intake","object":"coupon","percent_off":10,"duration":"once"}""");

    private Task<bool> StoredAsync(string id) => factory.WithDbAsync(db => db.Set<WebhookEvent>().AnyAsync(e => e.StripeEventId == id, Ct));

    [Fact]
    public async Task Webhook_WithBadSignature_Is400AndStoresNothing()
    {
        var id = NewId();
        var payload = CouponEvent(id);
        var signature = Sign(payload).Replace("v1=", "v1=00", StringComparison.Ordinal);

        using var response = await PostAsync(factory.ClientFor(null), payload, signature);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_signature");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_WithStaleTimestamp_Is400AndStoresNothing()
    {
        var id = NewId();
        var payload = CouponEvent(id);

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload, at: DateTimeOffset.UtcNow.AddMinutes(-10)));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "stale_signature");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_SignedWithAnotherSecret_Is400AndStoresNothing()
    {
        var id = NewId();
        var payload = CouponEvent(id);

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload, secret: "whsec_someone_else_entirely"));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_signature");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_WithoutSignature_Is400EvenForAnAdmin()
    {
        var id = NewId();
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        using var response = await PostAsync(admin, CouponEvent(id), signature: null);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "missing_signature");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_SignedButNotJson_Is400()
    {
        const string payload = "this is not json";

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_payload");
    }

    [Fact]
    public async Task Webhook_OfAnOlderApiVersion_Is400AndStoresNothing()
    {
        var id = NewId();
        var payload = CouponEvent(id).Replace(global::Stripe.StripeConfiguration.ApiVersion, "2025-03-31.basil", StringComparison.Ordinal);

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "unsupported_api_version");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_SignedWithoutToken_IsStoredRawAndUnknownTypeEndsIgnored()
    {
        var id = NewId();
        const long created = 1_790_000_000;
        var payload = EventJson(id, "coupon.created", """{"id":"co_intake","object":"coupon","percent_off":10,"duration":"once","metadata":{"id":"not_this_one"}}""", created);

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True((await JsonAsync(response)).GetProperty("received").GetBoolean());
        var row = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().SingleAsync(e => e.StripeEventId == id, Ct));
        Assert.Equal(payload, row.Payload);
        Assert.Equal("coupon.created", row.Type);
        Assert.Equal("co_intake", row.ObjectId);
        Assert.Equal(global::Stripe.StripeConfiguration.ApiVersion, row.ApiVersion);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(created), row.StripeCreated);
        await Eventually.TrueAsync(() => factory.WithDbAsync(db => db.Set<WebhookEvent>().AnyAsync(e => e.StripeEventId == id && e.Status == WebhookStatus.Ignored, Ct)),
            "the unknown event type to be marked ignored");
    }

    [Fact]
    public async Task Webhook_SameEventTwentyTimesAtOnce_StoresOneRow()
    {
        var id = NewId();
        var payload = CouponEvent(id);
        var client = factory.ClientFor(null);

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync(client, payload, Sign(payload))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<WebhookEvent>().CountAsync(e => e.StripeEventId == id, Ct)));
    }

    [Fact]
    public async Task Webhook_ManyEventsAtOnce_EachDeliveredTwice_StoresEachOnceWithItsBody()
    {
        var ids = Enumerable.Range(0, 120).Select(_ => NewId()).ToList();
        var payloads = ids.ToDictionary(id => id, CouponEvent);
        var client = factory.ClientFor(null);
        var deliveries = ids.Concat(ids).OrderBy(_ => Random.Shared.Next()).ToList();

        var responses = await Task.WhenAll(deliveries.Select(id => PostAsync(client, payloads[id], Sign(payloads[id]))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var rows = await factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().Where(e => ids.Contains(e.StripeEventId)).ToListAsync(Ct));
        Assert.Equal(ids.Order(StringComparer.Ordinal), rows.Select(r => r.StripeEventId).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(payloads[r.StripeEventId], r.Payload));
    }

    [Fact]
    public async Task Webhook_WithAnIdLongerThanStripes_Is400AndStoresNothing()
    {
        var id = "evt_" + new string('x', 300);
        var payload = CouponEvent(id);

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_payload");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_LargeBody_IsStoredWhole_CompressedWithLz4OnPostgres()
    {
        var id = NewId();
        var metadata = string.Join(",", Enumerable.Range(0, 80).Select(i => $"\"key_{i}\":\"{Guid.NewGuid():N}\""));
        var payload = EventJson(id, "coupon.updated", """{"id":"co_large","object":"coupon","percent_off":10,"duration":"once","metadata":{""" + metadata + "}}");

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(payload.Length > 2500, "the body must be large enough for PostgreSQL to compress it");
        Assert.Equal(payload, await factory.WithDbAsync(db => db.Set<WebhookEvent>().Where(e => e.StripeEventId == id).Select(e => e.Payload).SingleAsync(Ct)));
        if (TestDatabase.UsesPostgres)
        {
            var method = await factory.WithDbAsync(db => db.Database
                .SqlQuery<string>($"SELECT pg_column_compression(payload) AS \"Value\" FROM webhook_events WHERE stripe_event_id = {id}").SingleAsync(Ct));
            Assert.Equal("lz4", method);
        }
    }

    [Theory]
    [InlineData("array")]
    [InlineData("not an event object")]
    [InlineData("trailing value")]
    [InlineData("truncated")]
    public async Task Webhook_SignedButNotOneEventObject_Is400AndStoresNothing(string shape)
    {
        var id = NewId();
        var valid = CouponEvent(id);
        var payload = shape switch
        {
            "array" => $"[{valid}]",
            "not an event object" => valid.Replace("\"object\":\"event\"", "\"object\":\"customer\"", StringComparison.Ordinal),
            "trailing value" => valid + " {}",
            _ => valid[..^2],
        };
        Assert.NotEqual(valid, payload);

        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload));

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "invalid_payload");
        Assert.False(await StoredAsync(id));
    }

    [Fact]
    public async Task Webhook_LargerThanTheBodyLimit_Is413AndStoresNothing()
    {
        var id = NewId();
        var payload = EventJson(id, "coupon.updated", $$"""{"id":"co_huge","object":"coupon","name":"{{new string('x', 2 * 1024 * 1024)}}"}""");

        // Tally answers 413 from Content-Length without reading the body; without Expect: 100-continue the
        // client may still be writing the 2 MB when the connection closes (a broken pipe, not a 413).
        using var response = await PostAsync(factory.ClientFor(null), payload, Sign(payload), expectContinue: true);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.False(await StoredAsync(id));
    }
}
