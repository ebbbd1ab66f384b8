using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Solver;

/// <summary>
/// Turns a parsed Dockerfile, build arguments and a target into a <see cref="BuildPlan"/>, following
/// BuildKit's Dockerfile frontend: global ARGs usable in FROM and redeclared inside stages, platform ARGs,
/// stage references by name or index, unknown names taken as images, cycles refused, and only the stages
/// the target needs expanded. Problems are <see cref="DockerfileException"/>s with file, line and hint.
/// </summary>
public sealed partial class BuildPlanner
{
    private readonly ParsedDockerfile _dockerfile;
    private readonly BuildOptions _options;
    private readonly ShellLexer _lexer;
    private readonly Platform _targetPlatform;
    private readonly Dictionary<string, string> _globalEnvironment = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ArgumentInfo> _globalArguments = new(StringComparer.Ordinal);
    private readonly List<StageState> _stages = [];
    private readonly Dictionary<string, StageState> _stagesByName = new(StringComparer.Ordinal);

    private BuildPlanner(ParsedDockerfile dockerfile, BuildOptions options)
    {
        _dockerfile = dockerfile;
        _options = options;
        _lexer = new ShellLexer(dockerfile.Document.EscapeCharacter);
        _targetPlatform = options.TargetPlatform ?? options.BuildPlatform;
    }

    /// <summary>Plans <paramref name="dockerfile"/> for <paramref name="options"/>.</summary>
    /// <exception cref="DockerfileException">The Dockerfile cannot be built as asked; the message says where and why.</exception>
    public static BuildPlan Plan(ParsedDockerfile dockerfile, BuildOptions options)
    {
        var attempt = TryPlan(dockerfile, options);
        return attempt.Error is null ? attempt.Plan! : throw attempt.Error;
    }

    /// <summary>
    /// Plans as far as it can. An error in a stage's steps still gives a plan, holding the steps checked
    /// before the error (what <c>--call check</c> reports warnings from); an error before that gives none.
    /// </summary>
    public static PlanAttempt TryPlan(ParsedDockerfile dockerfile, BuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(options);
        var planner = new BuildPlanner(dockerfile, options);
        try
        {
            return planner.Run();
        }
        catch (DockerfileException e)
        {
            return new PlanAttempt(null, e);
        }
    }

    private PlanAttempt Run()
    {
        AddPlatformArguments();
        AddGlobalArguments();
        foreach (var definition in _dockerfile.Stages)
        {
            AddStage(definition);
        }

        var target = ResolveTarget();
        BuildDependencyGraph();
        RejectCycles();
        MarkRequired(target);
        DockerfileException? error = null;
        foreach (var stage in _stages.Where(s => s.Planned.IsRequired || _options.AllStages))
        {
            try
            {
                Dispatch(stage);
            }
            catch (DockerfileException e)
            {
                // The steps before the error stay, so checks can still report on them.
                stage.Dispatched = true;
                error = e;
                break;
            }
        }

        foreach (var stage in _stages)
        {
            stage.Publish();
        }

        var plan = new BuildPlan
        {
            Dockerfile = _dockerfile,
            Stages = [.. _stages.Select(static s => s.Planned)],
            Target = target.Planned,
            Groups = GroupByDependencyDepth(),
            GlobalArguments = new Dictionary<string, string>(_globalEnvironment, StringComparer.Ordinal),
            ProxyArguments = ProxyArguments(),
            BuildPlatform = _options.BuildPlatform,
            TargetPlatform = _targetPlatform,
            Outline = Outline(target),
        };
        return new PlanAttempt(plan, error);
    }

    private DockerfileException Error(Instruction instruction, string message, string? hint = null) =>
        new(_dockerfile.FileName, instruction.Line, message, instruction.Node.Original.Trim(), hint);

    // Proxy variables reach RUN steps without an ARG, matched case-insensitively as BuildKit does.
    private Dictionary<string, string> ProxyArguments()
    {
        string[] names = ["http_proxy", "https_proxy", "ftp_proxy", "no_proxy", "all_proxy"];
        return _options.BuildArgs
            .Where(a => names.Contains(a.Key, StringComparer.OrdinalIgnoreCase))
            .ToDictionary(StringComparer.Ordinal);
    }
}
