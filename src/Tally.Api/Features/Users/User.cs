using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Tally.Api.Infrastructure.Auth;
using Tally.Api.Infrastructure.Data;

namespace Tally.Api.Features.Users;

internal sealed class User : IVersioned
{
    public long Id { get; set; }

    /// <summary>The token subject (<c>sub</c>) that identifies this user.</summary>
    public string? Subject { get; set; }

    public string? Email { get; set; }

    public string? FullName { get; set; }

    public string? StripeCustomerId { get; set; }

    public Role Role { get; set; } = Role.Viewer;

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }

    public void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> user)
    {
        user.ToTable("users");
        user.HasKey(u => u.Id);
        user.Property(u => u.Subject).HasMaxLength(255);
        user.HasIndex(u => u.Subject).IsUnique();
        user.Property(u => u.Email).HasMaxLength(320);
        user.HasIndex(u => u.Email).IsUnique();
        user.Property(u => u.FullName).HasMaxLength(255);
        user.Property(u => u.StripeCustomerId).HasMaxLength(255);
        user.HasIndex(u => u.StripeCustomerId).IsUnique();
        user.Property(u => u.Role)
            .HasConversion(r => r.ToName(), s => Parse(s))
            .HasMaxLength(16)
            .HasDefaultValue(Role.Viewer)
            .HasSentinel((Role)(-1));
    }

    private static Role Parse(string name) => Roles.TryParse(name, out var role) ? role : Role.Viewer;
}
