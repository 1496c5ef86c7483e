using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Tally.Api.Infrastructure.Errors;
using Tally.Api.Infrastructure.Telemetry;

namespace Tally.Api.Features.Usage;

/// <summary><c>report_usage/batch</c>: up to 1,000 reports, each judged on its own; the accepted ones are stored in one transaction.</summary>
internal static class UsageBatchEndpoint
{
    public const int MaxEvents = 1_000;

    internal static async Task<Results<Ok<BatchUsageResponse>, ProblemHttpResult>> ReportBatchAsync(
        BatchUsageRequest? body, HttpContext http, UsageIntake intake, UsageLedger ledger, IOptions<JsonOptions> json,
        TallyMetrics metrics, CancellationToken ct)
    {
        if (body?.Events is not { Count: > 0 } events)
        {
            return metrics.Rejected(Problems.Validation("events", "must be a non-empty array."));
        }

        if (events.Count > MaxEvents)
        {
            return metrics.Rejected(Problems.Validation("events", $"must hold at most {MaxEvents} reports."), events.Count);
        }

        var (userId, customerId, forbidden) = await UsageEndpoints.ActingUserAsync(http, body.UserId, ct);
        if (forbidden is not null)
        {
            return metrics.Rejected(forbidden, events.Count);
        }

        var rejected = new List<RejectedUsage>();
        var prepared = new List<(int Index, UsageRecord Record)>();
        for (var i = 0; i < events.Count; i++)
        {
            var (record, problem) = await PrepareAsync(events[i], userId, customerId, intake, json.Value.SerializerOptions, ct);
            if (record is null)
            {
                rejected.Add(new RejectedUsage(i, problem!.Code, $"{problem.Param}: {problem.Message}"));
            }
            else
            {
                prepared.Add((i, record));
            }
        }

        IReadOnlyList<LedgerResult> results = [];
        if (prepared.Count > 0)
        {
            if (!ledger.TryStore(prepared.ConvertAll(p => p.Record), out var stored))
            {
                return metrics.Rejected(UsageEndpoints.Busy(http), events.Count);
            }

            results = await stored.WaitAsync(ct);
        }

        var (accepted, duplicates, records) = (0, 0, new List<UsageRecordResponse>());
        for (var j = 0; j < results.Count; j++)
        {
            var (result, sent) = (results[j], prepared[j].Record);
            if (result.Duplicate && result.Record.RequestHash != sent.RequestHash)
            {
                rejected.Add(new RejectedUsage(prepared[j].Index, "idempotency_key_reused", "idempotency_key: already used for a different report."));
                continue;
            }

            (accepted, duplicates) = result.Duplicate ? (accepted, duplicates + 1) : (accepted + 1, duplicates);
            records.Add(result.Record.ToResponse());
        }

        foreach (var r in rejected)
        {
            metrics.UsageReported("rejected", r.Code);
        }

        metrics.Stored(accepted, duplicates, results.Count(r => !r.Duplicate && r.Record.Late));
        return TypedResults.Ok(new BatchUsageResponse(accepted, duplicates, [.. rejected.OrderBy(r => r.Index)], records));
    }

    private static async Task<(UsageRecord? Record, UsageProblem? Problem)> PrepareAsync(
        JsonElement element, long userId, string? customerId, UsageIntake intake, JsonSerializerOptions options, CancellationToken ct)
    {
        BatchUsageEvent? e;
        try
        {
            e = element.Deserialize<BatchUsageEvent>(options);
        }
        catch (JsonException ex)
        {
            return (null, new UsageProblem(400, "invalid_json", ex.Path?.TrimStart('$', '.') is { Length: > 0 } field ? field : "event", "is not valid for a usage report."));
        }

        if (e is null)
        {
            return (null, UsageRules.Invalid("event", "must be an object."));
        }

        if (e.IdempotencyKey is null)
        {
            return (null, UsageRules.Invalid("idempotency_key", "is required for each report of a batch."));
        }

        if (UsageRules.CheckIdempotencyKey(e.IdempotencyKey) is { } badKey)
        {
            return (null, badKey with { Param = "idempotency_key" });
        }

        return await intake.PrepareAsync(new UsageReport(userId, customerId, e.Quantity, e.SubscriptionItemId, e.Metadata, e.Timestamp, e.IdempotencyKey), ct);
    }
}
