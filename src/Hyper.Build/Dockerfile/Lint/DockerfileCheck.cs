using Hyper.Build.Context;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Solver;

namespace Hyper.Build.Dockerfile.Lint;

/// <summary>
/// <c>--call check</c>: parse, read and plan a Dockerfile as a build would, without building, and run the
/// build checks over whatever could be made. Without a target every stage is checked.
/// </summary>
public static class DockerfileCheck
{
    /// <summary>The build-arg that, as in BuildKit, sets the checks from outside the Dockerfile, in place of its directive.</summary>
    public const string CheckBuildArg = "BUILDKIT_DOCKERFILE_CHECK";

    /// <summary>Checks <paramref name="text"/>; <paramref name="ignore"/> is the context's .dockerignore, if any.</summary>
    public static CheckResult Run(string text, string fileName, BuildOptions options, DockerIgnore? ignore = null, DockerfileLinter? linter = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        ArgumentNullException.ThrowIfNull(options);
        linter ??= new DockerfileLinter();

        DockerfileDocument document;
        LintConfiguration configuration;
        try
        {
            document = DockerfileParser.Parse(text, fileName);
            configuration = options.BuildArgs.TryGetValue(CheckBuildArg, out var fromBuildArg)
                ? ReadBuildArg(fileName, fromBuildArg)
                : DockerfileLinter.ConfigurationOf(document);
        }
        catch (DockerfileException e)
        {
            return new CheckResult { Error = e };
        }

        ParsedDockerfile? dockerfile = null;
        BuildPlan? plan = null;
        DockerfileException? error = null;
        try
        {
            dockerfile = InstructionParser.Parse(document);
            (plan, error) = BuildPlanner.TryPlan(dockerfile, options with { AllStages = options.AllStages || options.Target is null });
        }
        catch (DockerfileException e)
        {
            error = e;
        }

        var subject = new LintSubject
        {
            Document = document,
            Dockerfile = dockerfile,
            PlatformArguments = dockerfile is null ? new Dictionary<string, string>() : BuildPlanner.PlatformArguments(dockerfile, options),
            Plan = plan,
            Ignore = ignore,
        };
        var report = linter.Run(subject, configuration);
        return new CheckResult { Document = document, Violations = report.Violations, Error = error, Configuration = configuration };
    }

    private static LintConfiguration ReadBuildArg(string fileName, string value)
    {
        try
        {
            return LintConfiguration.Parse(value);
        }
        catch (FormatException e)
        {
            throw new DockerfileException(
                fileName, 1, $"failed to parse check options: {e.Message}", hint: $"fix --build-arg {CheckBuildArg}=skip=<rule>,<rule>;error=<true|false>");
        }
    }
}
