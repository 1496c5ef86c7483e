namespace Tally.Api.Features.Revenue;

/// <summary>
/// A piece of one recorded subscription state (a <c>subscription_history</c> row) on which
/// <see cref="MrrCalculator.SubMrr"/> is constant under the projection's policy, valid on [<see cref="ValidFrom"/>, <see cref="ValidTo"/>).
/// </summary>
internal sealed class SubscriptionMrrInterval
{
    public long Id { get; set; }

    public required string SubscriptionId { get; set; }

    public required string CustomerId { get; set; }

    /// <summary>Null when no item's price is known.</summary>
    public string? Currency { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    /// <summary>Minor units, unrounded, without usage.</summary>
    public decimal Mrr { get; set; }

    public bool Eligible { get; set; }

    public bool ScheduledToCancel { get; set; }

    /// <summary>The piece starts at its state's start or trial end: the instants at which a signup is looked for.</summary>
    public bool SignupCandidate { get; set; }

    public DateTimeOffset StateFrom { get; set; }

    /// <summary>Prices the state names that the mirror does not hold, comma-separated; null when none.</summary>
    public string? MissingPrices { get; set; }
}

/// <summary>One customer's MRR in one currency on [<see cref="ValidFrom"/>, <see cref="ValidTo"/>): the sum of its subscriptions' pieces.</summary>
internal sealed class CustomerMrrInterval
{
    public long Id { get; set; }

    public required string CustomerId { get; set; }

    public required string Currency { get; set; }

    /// <summary>yyyymm of the customer's signup (its cohort), 0 when it never paid.</summary>
    public int Cohort { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }

    public decimal Mrr { get; set; }

    public bool Active { get; set; }

    public int ActiveSubscriptions { get; set; }

    public decimal ScheduledToCancel { get; set; }
}

/// <summary>A span during which the customer's MRR is &gt; 0 in some currency (it is in <c>A(t)</c>).</summary>
internal sealed class CustomerActivity
{
    public long Id { get; set; }

    public required string CustomerId { get; set; }

    public int Cohort { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }
}

/// <summary>The customer's first paying instant (<see cref="CohortsEndpoint.Signups"/>) and the start of the state it lies in.</summary>
internal sealed class CustomerSignup
{
    public long Id { get; set; }

    public required string CustomerId { get; set; }

    public DateTimeOffset SignupAt { get; set; }

    public DateTimeOffset StateFrom { get; set; }

    public int Cohort { get; set; }
}

/// <summary>
/// What starts (+) or ends (−) on one UTC day, per currency and cohort: a level at <c>t</c> is the sum of the
/// days before <c>t</c>'s day plus that day's intervals up to <c>t</c>. Currency "" holds the logo count.
/// </summary>
internal sealed class MrrDailyDelta
{
    public long Id { get; set; }

    public required string Currency { get; set; }

    public int Cohort { get; set; }

    public DateTimeOffset Day { get; set; }

    public decimal Mrr { get; set; }

    public int ActiveCustomers { get; set; }

    public int ActiveSubscriptions { get; set; }

    public decimal ScheduledToCancel { get; set; }

    /// <summary>Customer-currency intervals valid (whatever their MRR): the currency is reported while it is &gt; 0.</summary>
    public int Present { get; set; }

    /// <summary>The day's <see cref="MrrEvent"/>s classified each on its own: from 0 (new or reactivation, split per window), expansion, contraction, churn.</summary>
    public decimal MovedFromZero { get; set; }

    public decimal MovedExpansion { get; set; }

    public decimal MovedContraction { get; set; }

    public decimal MovedChurn { get; set; }
}

/// <summary>A subscription (or a price: every subscription naming it) whose projection is stale; written by database triggers.</summary>
internal sealed class ProjectionChange
{
    public long Id { get; set; }

    public string? SubscriptionId { get; set; }

    public string? PriceId { get; set; }
}

/// <summary>The policy the projection was computed under (one row).</summary>
internal sealed class ProjectionState
{
    public int Id { get; set; }

    public required string PolicyKey { get; set; }

    public DateTimeOffset RebuiltAt { get; set; }
}
