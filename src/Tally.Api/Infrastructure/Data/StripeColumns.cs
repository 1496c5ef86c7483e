using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Tally.Api.Infrastructure.Data;

internal static class StripeColumns
{
    public const int StripeIdLength = 255;

    /// <summary>A Stripe id column: varchar(255), unique, as every Stripe id in Tally's schema.</summary>
    public static PropertyBuilder<string> StripeId<T>(this EntityTypeBuilder<T> entity, System.Linq.Expressions.Expression<Func<T, string>> property)
        where T : class
    {
        var column = entity.Property(property).HasMaxLength(StripeIdLength);
        entity.HasIndex(column.Metadata.Name).IsUnique();
        return column;
    }

    public static PropertyBuilder<string?> StripeRef<T>(this EntityTypeBuilder<T> entity, System.Linq.Expressions.Expression<Func<T, string?>> property)
        where T : class => entity.Property(property).HasMaxLength(StripeIdLength);
}
