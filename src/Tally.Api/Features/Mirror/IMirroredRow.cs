using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Mirror;

/// <summary>A mirror row of one Stripe object, versioned against racing writers.</summary>
internal interface IMirroredRow : IVersioned
{
    /// <summary>Stripe time of the newest event or fetch applied: older information never overwrites it.</summary>
    DateTimeOffset SourceTimestamp { get; set; }
}
