namespace Hyper.Build.Tests.Dockerfile;

/// <summary>
/// BuildKit's own expansion vectors (shared/testdata/buildkit-dockerfile/shell), read where they
/// are kept and keyed by line number so each line is its own test case.
/// </summary>
internal static class BuildKitShellVectors
{
    public const string Error = "error";

    private static readonly string Folder = Path.Combine(RepositoryPaths.SharedTestData, "buildkit-dockerfile", "shell");

    /// <summary>The environment every envVarTest line is expanded in.</summary>
    public static IReadOnlyDictionary<string, string> WordEnvironment { get; } = new Dictionary<string, string>
    {
        ["PWD"] = "/home",
        ["SHELL"] = "bash",
        ["KOREAN"] = "한국어",
        ["NULL"] = string.Empty,
    };

    /// <summary>envVarTest lines for all platforms and for Unix: (line, input, expected word or "error").</summary>
    public static IReadOnlyDictionary<int, (string Input, string Expected)> Words { get; } = LoadWords();

    /// <summary>wordsTest lines: (line, input, expected words or ["error"], environment built by the ENV lines above).</summary>
    public static IReadOnlyDictionary<int, (string Input, string[] Expected, Dictionary<string, string> Environment)> Splits { get; } = LoadSplits();

    private static Dictionary<int, (string, string)> LoadWords()
    {
        var vectors = new Dictionary<int, (string, string)>();
        var lines = File.ReadAllLines(Path.Combine(Folder, "envVarTest"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith('#') || line.Trim().Length == 0)
            {
                continue;
            }

            var fields = line.Trim().Split('|');
            Assert.Equal(3, fields.Length);
            var platform = fields[0].Trim();
            if (platform is "A" or "U")
            {
                vectors[i + 1] = (fields[1].Trim(), fields[2].Trim());
            }
        }

        return vectors;
    }

    private static Dictionary<int, (string, string[], Dictionary<string, string>)> LoadSplits()
    {
        var vectors = new Dictionary<int, (string, string[], Dictionary<string, string>)>();
        var environment = new Dictionary<string, string>();
        var lines = File.ReadAllLines(Path.Combine(Folder, "wordsTest"));
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith("ENV ", StringComparison.Ordinal))
            {
                // Trailing spaces of the value are significant; only the spaces after ENV go.
                var assignment = line[3..].TrimStart(' ');
                var equals = assignment.IndexOf('=', StringComparison.Ordinal);
                environment[assignment[..equals]] = assignment[(equals + 1)..];
                continue;
            }

            var fields = line.Split('|');
            Assert.Equal(2, fields.Length);
            vectors[i + 1] = (fields[0].Trim(), fields[1].TrimStart(' ').Split(','), new Dictionary<string, string>(environment));
        }

        return vectors;
    }
}
