using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// A relative WORKDIR before any absolute one depends on the base image's working directory. Only the
/// first WORKDIR of a stage (and the stages it is built on) is looked at: fixing it fixes the rest.
/// </summary>
public sealed class WorkdirRelativePath : ILintRule
{
    public string Name => "WorkdirRelativePath";

    public string Description => "Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/workdir-relative-path/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        foreach (var stage in subject.PlannedStages)
        {
            if (InheritsWorkdir(stage))
            {
                continue;
            }

            if (stage.Steps.Select(static s => s.Instruction).OfType<WorkdirInstruction>().FirstOrDefault() is { } first
                && !IsAbsolute(first.Path, stage.Platform.OS))
            {
                yield return LintViolation.At(this, first.Node, $"Relative workdir \"{first.Path}\" can have unexpected results if the base image changes");
            }
        }
    }

    /// <summary>
    /// BuildKit's test (util/system IsAbs): on Windows a path is absolute after its drive letter, which must be C:,
    /// is removed and backslashes are turned into slashes; <c>C:</c> alone, other drives and UNC paths are not.
    /// </summary>
    private static bool IsAbsolute(string path, string os)
    {
        if (os != "windows")
        {
            return path.StartsWith('/');
        }

        var slashed = path.Replace('\\', '/');
        if ((path.Length == 2 && path[1] == ':') || slashed.StartsWith("//", StringComparison.Ordinal))
        {
            return false;
        }

        var colon = slashed.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && !slashed[..colon].Equals("c", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return slashed[(colon + 1)..].StartsWith('/');
    }

    private static bool InheritsWorkdir(PlannedStage stage)
    {
        for (var parent = stage.BaseStage; parent is not null; parent = parent.BaseStage)
        {
            if (parent.Steps.Any(static s => s.Instruction is WorkdirInstruction))
            {
                return true;
            }
        }

        return false;
    }
}
