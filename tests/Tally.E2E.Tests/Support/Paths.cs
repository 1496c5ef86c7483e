namespace Tally.E2E.Tests.Support;

public static class Paths
{
    /// <summary>The repository root (the folder holding Tally.slnx).</summary>
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Tally.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Tally.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>The built Tally (same configuration as this test project).</summary>
    public static string TallyDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(Root, "src", "Tally.Api", "bin", configuration, "net10.0", "Tally.Api.dll");
        }
    }

    /// <summary>Where the tests put their screenshots (gitignored).</summary>
    public static string Screenshots => Directory.CreateDirectory(Path.Combine(Root, "artifacts", "screenshots")).FullName;
}
