namespace Tally.StripeEmulator.Billing.Metering;

/// <summary>
/// Rules of <c>GET /v1/billing/meters/{id}/event_summaries</c>: start inclusive, end exclusive,
/// both on minute boundaries; with <c>value_grouping_window=hour|day</c> both on hour/day
/// boundaries (UTC). Returns an error (param, message) or the window length in seconds
/// (null = one summary for the whole range).
/// </summary>
internal static class SummaryWindow
{
    public const long Minute = 60, Hour = 3600, Day = 86400;

    public static (string? Param, string? Message, long? WindowSeconds) Validate(long start, long end, string? window)
    {
        long? size = window switch
        {
            null or "" => null,
            "hour" => Hour,
            "day" => Day,
            _ => -1,
        };
        if (size == -1)
        {
            return ("value_grouping_window", $"Invalid value_grouping_window: must be one of hour or day", null);
        }

        if (start % Minute != 0)
        {
            return ("start_time", "start_time must be aligned with minute boundaries.", null);
        }

        if (end % Minute != 0)
        {
            return ("end_time", "end_time must be aligned with minute boundaries.", null);
        }

        if (end <= start)
        {
            return ("end_time", "end_time must be after start_time.", null);
        }

        if (size is { } s && start % s != 0)
        {
            return ("start_time", $"start_time must be aligned with {window} boundaries when value_grouping_window is {window}.", null);
        }

        if (size is { } s2 && end % s2 != 0)
        {
            return ("end_time", $"end_time must be aligned with {window} boundaries when value_grouping_window is {window}.", null);
        }

        return (null, null, size);
    }
}
