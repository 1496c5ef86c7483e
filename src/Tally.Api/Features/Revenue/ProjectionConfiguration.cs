using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Revenue;

internal sealed class SubscriptionMrrIntervalConfiguration : IEntityTypeConfiguration<SubscriptionMrrInterval>
{
    public void Configure(EntityTypeBuilder<SubscriptionMrrInterval> e)
    {
        e.ToTable("revenue_subscription_mrr");
        e.Property(i => i.SubscriptionId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(i => i.CustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(i => i.Currency).HasMaxLength(3);
        e.HasIndex(i => i.SubscriptionId);
        e.HasIndex(i => i.CustomerId);
        e.HasIndex(i => i.MissingPrices);
    }
}

internal sealed class CustomerMrrIntervalConfiguration : IEntityTypeConfiguration<CustomerMrrInterval>
{
    public void Configure(EntityTypeBuilder<CustomerMrrInterval> e)
    {
        e.ToTable("revenue_customer_mrr");
        e.Property(i => i.CustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(i => i.Currency).HasMaxLength(3);
        e.HasIndex(i => new { i.CustomerId, i.Currency, i.ValidFrom });

        // Covering on PostgreSQL (index-only scans): a window's movements read only these columns of the rows that start or end in it.
        e.HasIndex(i => i.ValidFrom).IncludeProperties(i => new { i.ValidTo, i.CustomerId, i.Currency, i.Mrr });
        e.HasIndex(i => i.ValidTo).IncludeProperties(i => new { i.ValidFrom, i.CustomerId, i.Currency, i.Mrr });
    }
}

internal sealed class MrrEventConfiguration : IEntityTypeConfiguration<MrrEvent>
{
    public void Configure(EntityTypeBuilder<MrrEvent> e)
    {
        e.ToTable("revenue_mrr_events");
        e.Property(i => i.CustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(i => i.Currency).HasMaxLength(3);
        e.HasIndex(i => i.At);

        // Covering on PostgreSQL: a window's correction reads the repeated changes inside it (a customer with exactly two
        // changes in it from its second alone), the changes of customers with three or more, and the single changes from 0.
        e.HasIndex(i => new { i.CustomerId, i.Currency, i.At }).IncludeProperties(i => new { i.Before, i.After, i.PreviousAt, i.NextAt });
        e.HasIndex(i => new { i.Repeat, i.At })
            .IncludeProperties(i => new
            {
                i.PreviousAt, i.EarlierAt, i.NextAt, i.CustomerId, i.Currency, i.PreviousBefore, i.After, i.PairFromZero, i.PairExpansion, i.PairContraction, i.PairChurn,
            });
        e.HasIndex(i => new { i.FromZero, i.At }).IncludeProperties(i => new { i.PreviousAt, i.NextAt, i.CustomerId, i.Currency, i.After });
    }
}

internal sealed class CustomerActivityConfiguration : IEntityTypeConfiguration<CustomerActivity>
{
    public void Configure(EntityTypeBuilder<CustomerActivity> e)
    {
        e.ToTable("revenue_customer_activity");
        e.Property(i => i.CustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(i => new { i.CustomerId, i.ValidFrom });
        e.HasIndex(i => i.ValidFrom);
        e.HasIndex(i => i.ValidTo);
    }
}

internal sealed class CustomerSignupConfiguration : IEntityTypeConfiguration<CustomerSignup>
{
    public void Configure(EntityTypeBuilder<CustomerSignup> e)
    {
        e.ToTable("revenue_customer_signups");
        e.Property(i => i.CustomerId).HasMaxLength(StripeColumns.StripeIdLength);
        e.HasIndex(i => i.CustomerId).IsUnique();
        e.HasIndex(i => i.SignupAt);
    }
}

internal sealed class MrrDailyDeltaConfiguration : IEntityTypeConfiguration<MrrDailyDelta>
{
    public void Configure(EntityTypeBuilder<MrrDailyDelta> e)
    {
        e.ToTable("revenue_daily_deltas");
        e.Property(i => i.Currency).HasMaxLength(3);
        e.HasIndex(i => new { i.Day, i.Currency, i.Cohort }).IsUnique();
    }
}

internal sealed class ProjectionChangeConfiguration : IEntityTypeConfiguration<ProjectionChange>
{
    public void Configure(EntityTypeBuilder<ProjectionChange> e)
    {
        e.ToTable("revenue_projection_changes");
        e.Property(i => i.SubscriptionId).HasMaxLength(StripeColumns.StripeIdLength);
        e.Property(i => i.PriceId).HasMaxLength(StripeColumns.StripeIdLength);
    }
}

internal sealed class ProjectionStateConfiguration : IEntityTypeConfiguration<ProjectionState>
{
    public void Configure(EntityTypeBuilder<ProjectionState> e)
    {
        e.ToTable("revenue_projection_state");
        e.Property(i => i.Id).ValueGeneratedNever();
        e.Property(i => i.PolicyKey).HasMaxLength(200);
    }
}
