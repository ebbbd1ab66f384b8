using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Dockerfile.Lint.Rules;

/// <summary>
/// COPY or ADD of a context path that .dockerignore leaves out, so the copy finds nothing. Like BuildKit,
/// the check is skipped when .dockerignore has exceptions (<c>!path</c>): what they bring back cannot be
/// told without the files.
/// </summary>
public sealed class CopyIgnoredFile : ILintRule
{
    private static readonly string[] EverythingPatterns = ["*", "**", "**/*"];

    public string Name => "CopyIgnoredFile";

    public string Description => "Attempting to Copy file that is excluded by .dockerignore";

    public Uri Url { get; } = new("https://docs.docker.com/go/dockerfile/rule/copy-ignored-file/");

    public IEnumerable<LintViolation> Check(LintSubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (subject.Ignore is not { Patterns.Count: > 0 } ignore || ignore.Patterns.Any(static p => p.StartsWith('!')))
        {
            return [];
        }

        var violations = new List<LintViolation>();
        foreach (var step in subject.PlannedStages.SelectMany(static s => s.Steps))
        {
            var (verb, sources) = step.Instruction switch
            {
                CopyInstruction copy when step.Sources.Count == 0 => ("Copy", copy.Sources),
                AddInstruction add => ("Add", add.Sources.Where(static s => !IsRemote(s)).ToList()),
                _ => (string.Empty, (IReadOnlyList<string>)[]),
            };
            foreach (var source in sources)
            {
                var path = Clean(source);
                if (IsIgnored(ignore, path))
                {
                    violations.Add(LintViolation.At(this, step.Instruction.Node, $"Attempting to {verb} file \"{path}\" that is excluded by .dockerignore"));
                }
            }
        }

        return violations;
    }

    private static bool IsIgnored(DockerIgnore ignore, string path)
    {
        // The context root itself is only "ignored" by a pattern that leaves out everything.
        if (path is "." or "/")
        {
            return ignore.Patterns.Any(static p => EverythingPatterns.Contains(p));
        }

        try
        {
            return ignore.IsExcluded(path, isDirectory: false);
        }
        catch (DockerIgnoreException)
        {
            return false;
        }
    }

    private static bool IsRemote(string source) =>
        source.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
        || source.StartsWith("git@", StringComparison.Ordinal)
        || source.StartsWith("git://", StringComparison.Ordinal);

    // Go's path.Clean, as the message shows the path.
    private static string Clean(string path)
    {
        var rooted = path.StartsWith('/');
        var parts = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
            {
                parts.RemoveAt(parts.Count - 1);
            }
            else if (part != ".." || !rooted)
            {
                parts.Add(part);
            }
        }

        var cleaned = string.Join('/', parts);
        return rooted ? "/" + cleaned : cleaned.Length == 0 ? "." : cleaned;
    }
}
