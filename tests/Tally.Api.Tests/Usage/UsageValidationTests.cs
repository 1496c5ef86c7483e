using System.Net;
using Microsoft.EntityFrameworkCore;
using Tally.Api.Features.Usage;
using Tally.Api.Tests.Support;
using static Tally.Api.Tests.Support.UsageArrange;

namespace Tally.Api.Tests.Usage;

public sealed class UsageValidationTests(UsageTallyFactory factory) : IClassFixture<UsageTallyFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> BadReports => new()
    {
        { """{}""", "validation_failed", "quantity" },
        { """{"quantity":0}""", "validation_failed", "quantity" },
        { """{"quantity":-1}""", "validation_failed", "quantity" },
        { """{"quantity":1234567890123456}""", "validation_failed", "quantity" },
        { """{"quantity":0.1234567890123456}""", "validation_failed", "quantity" },
        { """{"quantity":"five"}""", "invalid_json", "quantity" },
        { """{"quantity":1,"metadata":[1,2]}""", "validation_failed", "metadata" },
        { """{"quantity":1,"metadata":"not json"}""", "validation_failed", "metadata" },
        { """{"quantity":1,"metadata":"[1]"}""", "validation_failed", "metadata" },
        { """{"quantity":1,"subscription_item_id":"si bad"}""", "validation_failed", "subscription_item_id" },
        { """{"quantity":1,"timestamp":"not a time"}""", "invalid_json", "timestamp" },
    };

    [Theory]
    [MemberData(nameof(BadReports))]
    public async Task ReportUsage_BadInput_Is400NamingTheField_AndStoresNothing(string body, string code, string field)
    {
        var editor = await MeteredEditorAsync(factory);

        var answer = await editor.Client.PostAsync("/api/billing/report_usage", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, code);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), problem.ToString());
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.UserId == editor.UserId, Ct)));
    }

    [Fact]
    public async Task ReportUsage_TimestampOutsideStripesWindow_Is400()
    {
        var editor = await MeteredEditorAsync(factory);

        var old = await ReportAsync(editor.Client, new { quantity = 1, timestamp = DateTimeOffset.UtcNow.AddDays(-40) });
        var ahead = await ReportAsync(editor.Client, new { quantity = 1, timestamp = DateTimeOffset.UtcNow.AddMinutes(10) });

        Assert.Contains("timestamp", (await ProblemAssert.IsProblemAsync(old, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").ToString());
        Assert.Contains("timestamp", (await ProblemAssert.IsProblemAsync(ahead, HttpStatusCode.BadRequest, "validation_failed")).GetProperty("errors").ToString());
    }

    [Fact]
    public async Task ReportUsage_MetadataOver4KB_Is400()
    {
        var editor = await MeteredEditorAsync(factory);

        var answer = await ReportAsync(editor.Client, new { quantity = 1, metadata = new { big = new string('x', 5000) } });

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ReportUsage_BadIdempotencyKey_Is400()
    {
        var editor = await MeteredEditorAsync(factory);

        var answer = await ReportAsync(editor.Client, new { quantity = 1 }, new string('k', 300));

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task ReportUsage_WithoutSubscription_Is409NoActiveSubscription()
    {
        var (client, _) = await factory.ClientWithRoleAsync("editor");

        var answer = await ReportAsync(client, new { quantity = 1 });

        var problem = await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.Conflict, "no_active_subscription");
        Assert.Equal("No active subscription found", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ReportUsage_AnotherUsersItem_Is404()
    {
        var owner = await MeteredEditorAsync(factory);
        var stranger = await MeteredEditorAsync(factory);

        var answer = await ReportAsync(stranger.Client, new { quantity = 1, subscription_item_id = owner.ItemId });

        await ProblemAssert.IsProblemAsync(answer, HttpStatusCode.NotFound, "subscription_item_not_found");
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<UsageRecord>().CountAsync(r => r.StripeSubscriptionItemId == owner.ItemId, Ct)));
    }

    [Fact]
    public async Task ReportUsage_Viewer_Is403()
    {
        var (viewer, _) = await factory.ClientWithRoleAsync("viewer");

        await ProblemAssert.IsProblemAsync(await ReportAsync(viewer, new { quantity = 1 }), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task ReportUsage_EditorNamingAnotherUser_Is403_AdminNamingOne_Stores()
    {
        var owner = await MeteredEditorAsync(factory);
        var (other, _) = await factory.ClientWithRoleAsync("editor");
        var (admin, _) = await factory.ClientWithRoleAsync("admin");

        await ProblemAssert.IsProblemAsync(await ReportAsync(other, new { quantity = 1, user_id = owner.UserId }), HttpStatusCode.Forbidden, "forbidden");
        var byAdmin = await ReportAsync(admin, new { quantity = 2, user_id = owner.UserId });

        Assert.Equal(HttpStatusCode.Accepted, byAdmin.StatusCode);
        Assert.Equal(owner.UserId, (await JsonAsync(byAdmin)).GetProperty("user_id").GetInt64());
    }
}
