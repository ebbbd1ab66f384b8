using Hyper.Build.Context;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Cli.Commands;

public static partial class BuildCommand
{
    /// <summary>The Dockerfile's text and the options the command line gave.</summary>
    private sealed record BuildInputs(string Text, string FileName, BuildOptions Options, DockerIgnore Ignore)
    {
        public IReadOnlyList<string> Lines { get; } = Text.ReplaceLineEndings("\n").Split('\n');
    }

    private static BuildInputs ReadInputs(string context, string? file, IReadOnlyList<string> buildArgs, string? target, string? platform)
    {
        if (!Directory.Exists(context))
        {
            throw new IOException($"unable to prepare context: path \"{context}\" not found");
        }

        // As docker does: a relative -f is taken from the current directory, no -f means CONTEXT/Dockerfile.
        var path = file ?? Path.Combine(context, "Dockerfile");
        if (!File.Exists(path))
        {
            throw new IOException($"failed to read dockerfile: open {path}: no such file or directory");
        }

        var options = new BuildOptions
        {
            BuildArgs = ParseBuildArgs(buildArgs),
            Target = string.IsNullOrEmpty(target) ? null : target,
            TargetPlatform = ParsePlatform(platform),
        };
        return new BuildInputs(File.ReadAllText(path), Path.GetFileName(path), options, ReadIgnore(context, path));
    }

    // As BuildKit: <Dockerfile>.dockerignore next to the Dockerfile wins over the context's .dockerignore.
    private static DockerIgnore ReadIgnore(string context, string dockerfile)
    {
        var path = File.Exists(dockerfile + ".dockerignore") ? dockerfile + ".dockerignore" : Path.Combine(context, ".dockerignore");
        if (!File.Exists(path))
        {
            return DockerIgnore.Empty;
        }

        try
        {
            return DockerIgnore.Parse(File.ReadAllText(path));
        }
        catch (DockerIgnoreException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }

    private static Dictionary<string, string> ParseBuildArgs(IReadOnlyList<string> buildArgs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var buildArg in buildArgs)
        {
            var equals = buildArg.IndexOf('=', StringComparison.Ordinal);
            if (equals == 0)
            {
                throw new FormatException($"invalid --build-arg '{buildArg}': expected NAME=VALUE");
            }

            if (equals > 0)
            {
                values[buildArg[..equals]] = buildArg[(equals + 1)..];
            }
            else if (Environment.GetEnvironmentVariable(buildArg) is { } fromEnvironment)
            {
                // NAME alone takes the value from the environment, and is left out when it is not set.
                values[buildArg] = fromEnvironment;
            }
        }

        return values;
    }

    private static Platform? ParsePlatform(string? platform)
    {
        if (string.IsNullOrWhiteSpace(platform))
        {
            return null;
        }

        if (platform.Contains(',', StringComparison.Ordinal))
        {
            throw new FormatException($"--platform '{platform}': building for several platforms at once is not available yet; give one");
        }

        // As buildx: "local" is this machine's platform; anything else is read as BuildKit reads FROM --platform.
        return platform.Trim() == "local" ? Platform.Current : Platform.Parse(platform.Trim());
    }
}
