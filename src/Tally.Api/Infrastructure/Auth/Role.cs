namespace Tally.Api.Infrastructure.Auth;

/// <summary>The role hierarchy: each role includes the capabilities of those below it.</summary>
public enum Role
{
    Viewer = 0,
    Editor = 1,
    Admin = 2,
}

internal static class Roles
{
    public const string Viewer = "viewer";
    public const string Editor = "editor";
    public const string Admin = "admin";

    public static string ToName(this Role role) => role switch
    {
        Role.Viewer => Viewer,
        Role.Editor => Editor,
        Role.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static bool TryParse(string? name, out Role role)
    {
        switch (name?.Trim().ToLowerInvariant())
        {
            case Viewer:
                role = Role.Viewer;
                return true;
            case Editor:
                role = Role.Editor;
                return true;
            case Admin:
                role = Role.Admin;
                return true;
            default:
                role = Role.Viewer;
                return false;
        }
    }

    public static string AllNames => $"{Viewer}, {Editor}, {Admin}";
}
