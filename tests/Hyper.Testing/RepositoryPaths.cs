namespace Hyper.Testing;

/// <summary>Where the checkout and the external test vectors (<c>../shared/testdata</c>) are.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared/testdata</c> beside the checkout, as CI lays it out.</summary>
    public static string SharedTestData { get; } = Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hyper.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no Hyper.slnx above {AppContext.BaseDirectory}");
    }
}
