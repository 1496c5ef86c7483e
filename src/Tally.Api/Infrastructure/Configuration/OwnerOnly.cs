namespace Tally.Api.Infrastructure.Configuration;

/// <summary>Files and directories that hold secrets (signing key, webhook secret, emulator state, SQLite database): the owner's alone.</summary>
internal static class OwnerOnly
{
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode DirectoryMode = FileMode | UnixFileMode.UserExecute;

    /// <summary>Creates the directory mode 700, or tightens an existing one to it.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }

    /// <summary>
    /// Creates the file mode 600 with <paramref name="content"/> unless it exists (<c>CreateNew</c>: of two
    /// processes starting at once, one writes it and the other keeps what that one wrote); false when it existed.
    /// </summary>
    public static bool TryCreateFile(string path, string content)
    {
        var options = new FileStreamOptions { Mode = System.IO.FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = FileMode;
        }

        try
        {
            using var stream = new FileStream(path, options);
            using var writer = new StreamWriter(stream);
            writer.Write(content);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    /// <summary>True when the file may be read or written by its group or others.</summary>
    public static bool IsShared(string path) =>
        !OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0;
}
