using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Stripe;
using Tally.Api.Features.Mirror;
using Tally.Api.Features.Webhooks;
using Tally.Api.Tests.Support;
using Tally.StripeEmulator;
using static Tally.Api.Tests.Support.WebhookKit;

namespace Tally.Api.Tests.Webhooks;

/// <summary>Failures retry and end failed; admins list and replay them; nobody else may.</summary>
public sealed class WebhookAdminTests(FastRetryTallyFactory factory) : IClassFixture<FastRetryTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<WebhookEvent?> RowAsync(string eventId) =>
        factory.WithDbAsync(db => db.Set<WebhookEvent>().AsNoTracking().FirstOrDefaultAsync(e => e.StripeEventId == eventId, Ct));

    [Fact]
    public async Task EventFailingWhileStripeIsDown_EndsFailed_IsListed_AndReplayAppliesIt()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        factory.Emulator.Control.WebhooksPaused = true;
        var customer = await factory.Stripe.V1.Customers.CreateAsync(new CustomerCreateOptions { Name = "Outage", Email = "outage@example.test" }, cancellationToken: Ct);
        var eventId = factory.Emulator.Control.PendingWebhooks > 0
            ? System.Text.Json.JsonDocument.Parse((await StoredEventsAsync(factory.Stripe)).Last(e => e.Contains(customer.Id, StringComparison.Ordinal))).RootElement.GetProperty("id").GetString()!
            : throw new InvalidOperationException("the emulator queued no webhook");
        factory.Emulator.Control.Outage = OutageMode.ServiceUnavailable;
        try
        {
            factory.Emulator.Control.WebhooksPaused = false;
            await Eventually.TrueAsync(async () => (await RowAsync(eventId))?.Status == WebhookStatus.Failed, "the event to fail twice and end failed");
        }
        finally
        {
            factory.Emulator.Control.Outage = OutageMode.None;
        }

        var failed = await RowAsync(eventId);
        Assert.Equal(2, failed!.Attempts);
        Assert.Contains("503", failed.LastError, StringComparison.Ordinal);
        Assert.False(await factory.WithDbAsync(db => db.Set<MirroredCustomer>().AnyAsync(c => c.StripeCustomerId == customer.Id, Ct)));

        var list = await JsonAsync(await admin.GetAsync("/api/admin/webhooks?status=failed", Ct));
        var listed = list.GetProperty("data").EnumerateArray().Single(e => e.GetProperty("event_id").GetString() == eventId);
        Assert.Equal(("customer.created", "failed", 2), (listed.GetProperty("type").GetString(), listed.GetProperty("status").GetString(), listed.GetProperty("attempts").GetInt32()));
        Assert.Contains("503", listed.GetProperty("last_error").GetString(), StringComparison.Ordinal);

        using var replay = await admin.PostAsync($"/api/admin/webhooks/{eventId}/replay", null, Ct);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        await Eventually.TrueAsync(async () => (await RowAsync(eventId))?.Status == WebhookStatus.Processed, "the replayed event to be processed");
        var mirrored = await factory.WithDbAsync(db => db.Set<MirroredCustomer>().AsNoTracking().SingleAsync(c => c.StripeCustomerId == customer.Id, Ct));
        Assert.Equal("outage@example.test", mirrored.Email);
    }

    [Fact]
    public async Task AdminList_PagesNewestFirst_WithACursor()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");
        for (var i = 0; i < 3; i++)
        {
            var payload = EventJson($"evt_page_{i}_{Guid.NewGuid():N}", "coupon.created", """{"id":"co_page","object":"coupon","percent_off":5,"duration":"once"}""");
            using var posted = await PostAsync(factory.ClientFor(null), payload, Sign(payload));
            Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        }

        // Page through everything two at a time (the emulator may deliver other events meanwhile).
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await JsonAsync(await admin.GetAsync($"/api/admin/webhooks?limit=2{(cursor is null ? "" : "&cursor=" + cursor)}", Ct));
            Assert.True(page.GetProperty("data").GetArrayLength() <= 2);
            ids.AddRange(page.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("event_id").GetString()!));
            cursor = page.GetProperty("has_more").GetBoolean() ? page.GetProperty("next_cursor").GetString() : null;
        }
        while (cursor is not null);

        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.InRange(ids.Count, 3, await factory.WithDbAsync(db => db.Set<WebhookEvent>().CountAsync(Ct)));
        var ours = ids.Where(id => id.StartsWith("evt_page_", StringComparison.Ordinal)).Select(id => id[..10]).ToList();
        Assert.Equal(["evt_page_2", "evt_page_1", "evt_page_0"], ours);
    }

    [Theory]
    [InlineData("/api/admin/webhooks?status=exploded", "status")]
    [InlineData("/api/admin/webhooks?limit=0", "limit")]
    [InlineData("/api/admin/webhooks?cursor=garbage", "cursor")]
    public async Task AdminList_WithBadQuery_Is400NamingTheParameter(string url, string parameter)
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        using var response = await admin.GetAsync(url, Ct);

        var problem = await ProblemAssert.IsProblemAsync(response, HttpStatusCode.BadRequest, "validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty(parameter, out _));
    }

    [Fact]
    public async Task Replay_OfUnknownEvent_Is404()
    {
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        using var response = await admin.PostAsync("/api/admin/webhooks/evt_never_seen/replay", null, Ct);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.NotFound, "webhook_event_not_found");
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("editor")]
    public async Task AdminEndpoints_ForNonAdmins_Are403AndReplayChangesNothing(string role)
    {
        var payload = EventJson($"evt_rbac_{Guid.NewGuid():N}", "coupon.created", """{"id":"co_rbac","object":"coupon","percent_off":5,"duration":"once"}""");
        var id = System.Text.Json.JsonDocument.Parse(payload).RootElement.GetProperty("id").GetString()!;
        (await PostAsync(factory.ClientFor(null), payload, Sign(payload))).Dispose();
        await Eventually.TrueAsync(async () => (await RowAsync(id))?.Status == WebhookStatus.Ignored, "the event to be ignored");
        var (client, _) = await factory.ClientWithRoleAsync(role);

        using var list = await client.GetAsync("/api/admin/webhooks", Ct);
        using var replay = await client.PostAsync($"/api/admin/webhooks/{id}/replay", null, Ct);
        using var sync = await client.PostAsJsonAsync("/api/admin/stripe/sync", new { }, Ct);

        await ProblemAssert.IsProblemAsync(list, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(replay, HttpStatusCode.Forbidden);
        await ProblemAssert.IsProblemAsync(sync, HttpStatusCode.Forbidden);
        Assert.Equal(WebhookStatus.Ignored, (await RowAsync(id))!.Status);
    }
}
