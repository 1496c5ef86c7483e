namespace Tally.StripeEmulator;

/// <summary>One request as the emulator received it.</summary>
public sealed class RecordedRequest
{
    public required string RequestId { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required string Query { get; init; }
    public string? IdempotencyKey { get; init; }
    public required string Body { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>Decoded form (or query) parameters, flat as sent: <c>items[0][price]</c> → value.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Form { get; init; }

    /// <summary>HTTP status answered; 0 when the connection was dropped or the request is still running.</summary>
    public int Status { get; internal set; }
}

/// <summary>One webhook delivery attempt.</summary>
public sealed record WebhookDeliveryRecord(string EventId, string EventType, string Url, int Attempt, int Status, string? Error, DateTimeOffset At);
