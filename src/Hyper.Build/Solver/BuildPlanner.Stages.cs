using System.Globalization;

using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Oci;

namespace Hyper.Build.Solver;

public sealed partial class BuildPlanner
{
    private const string ScratchName = "scratch";

    /// <summary>
    /// FROM: the base and platform expanded with the global scope only, then the base resolved. A name
    /// matches only a stage defined above (lower-cased as stage names are); anything else is an image.
    /// </summary>
    private void AddStage(StageDefinition definition)
    {
        var from = definition.From;
        var stage = new StageState(definition);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var undefined = new List<UndefinedVariable>();

        var baseExpansion = ExpandOrThrow(from, from.BaseName, _globalEnvironment);
        used.UnionWith(baseExpansion.Matched);
        NoteUndeclaredInFrom(baseExpansion.Unmatched, undefined);
        var baseName = baseExpansion.Result;
        if (baseName.Length == 0)
        {
            throw Error(from, $"base name ({from.BaseName}) should not be blank", "give the ARG used in FROM a default before the first FROM, or pass --build-arg");
        }

        stage.Platform = _targetPlatform;
        if (from.Platform is not null)
        {
            var platformExpansion = ExpandOrThrow(from, from.Platform, _globalEnvironment);
            used.UnionWith(platformExpansion.Matched);
            NoteUndeclaredInFrom(platformExpansion.Unmatched, undefined);
            if (platformExpansion.Result.Length == 0)
            {
                throw Error(from, $"empty platform value from expression {from.Platform}", "e.g. --platform=$BUILDPLATFORM or --platform=linux/amd64");
            }

            try
            {
                stage.Platform = Platform.Parse(platformExpansion.Result);
            }
            catch (FormatException e)
            {
                throw Error(from, $"failed to parse platform {from.Platform}: {e.Message}", "e.g. --platform=$BUILDPLATFORM or --platform=linux/arm64");
            }

            stage.Planned.HasExplicitPlatform = true;
        }

        if (_stagesByName.TryGetValue(baseName, out var baseStage))
        {
            stage.BaseState = baseStage;
            stage.Planned.Base = ContentSource.ForStage(baseStage.Definition.Index, baseStage.Definition.DisplayName);
            stage.OutlineArguments = new(baseStage.OutlineArguments, StringComparer.Ordinal);
            stage.UsedArguments = new(baseStage.UsedArguments, StringComparer.Ordinal);
            var triggers = baseStage.Definition.Instructions.OfType<OnbuildInstruction>().Select(static o => (o.Expression, o.Line));
            stage.Instructions = [.. OnbuildTriggers(triggers, $"stage {baseStage.Definition.DisplayName}", from), .. definition.Instructions];
        }
        else
        {
            stage.Planned.Base = baseName == ScratchName ? ContentSource.Scratch : ContentSource.ForImage(ParseImage(from, baseName, "FROM"), baseName);
            stage.OutlineArguments = new(_globalArguments, StringComparer.Ordinal);
            if (stage.Planned.Base.Image is { } image && _options.ImageTriggers?.Invoke(image, stage.Platform) is { Count: > 0 } imageTriggers)
            {
                stage.Instructions = [.. OnbuildTriggers(imageTriggers.Select(static t => (t, 0)), $"image {image}", from), .. definition.Instructions];
            }
        }

        stage.UsedArguments.UnionWith(used);
        stage.Planned.UndefinedFromArguments = undefined;
        _stages.Add(stage);
        if (definition.Name is not null)
        {
            _stagesByName[definition.Name] = stage;
        }
    }

    /// <summary>
    /// The ONBUILD instructions of a base stage or the OnBuild triggers of a base image run first in a stage
    /// built on it, located at its FROM line.
    /// </summary>
    /// <param name="triggers">Each trigger's text, and the line of its ONBUILD (0 when it comes from an image).</param>
    /// <param name="source">What the triggers come from, for messages.</param>
    /// <param name="from">The FROM of the stage they run in.</param>
    private List<Instruction> OnbuildTriggers(IEnumerable<(string Expression, int Line)> triggers, string source, FromInstruction from)
    {
        var instructions = new List<Instruction>();
        foreach (var (expression, line) in triggers)
        {
            try
            {
                var document = DockerfileParser.Parse(expression, _dockerfile.FileName);
                var node = document.Instructions[0] with { StartLine = from.Line, EndLine = from.Node.EndLine };
                instructions.Add(InstructionParser.ParseInstruction(node, _dockerfile.FileName));
            }
            catch (DockerfileException e)
            {
                var where = line > 0 ? $"{source} (line {line})" : source;
                throw Error(from, $"ONBUILD trigger of {where}: {e.Reason}", e.Hint);
            }
        }

        return instructions;
    }

    // FROM may use only ARGs declared before the first FROM (or the automatic platform ARGs).
    private void NoteUndeclaredInFrom(IReadOnlySet<string> unmatched, List<UndefinedVariable> undefined)
    {
        var declared = _globalArguments.Keys.Concat(_globalEnvironment.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var name in unmatched.Order(StringComparer.Ordinal))
        {
            if (!declared.Contains(name) && undefined.All(u => u.Name != name))
            {
                undefined.Add(new UndefinedVariable(name, Suggestion.Find(name, declared)));
            }
        }
    }

    private Reference ParseImage(Instruction instruction, string name, string what)
    {
        if (Reference.TryParse(name, out var reference, out var problem))
        {
            return reference;
        }

        var stageNames = _stages.Where(static s => s.Definition.Name is not null).Select(static s => s.Definition.Name!).ToList();
        var sameButCase = stageNames.FirstOrDefault(n => n.Equals(name, StringComparison.OrdinalIgnoreCase));
        var hint = sameButCase is not null
            ? $"stage names are lower case here: write {sameButCase}"
            : stageNames.Count == 0
                ? $"{what} takes an image reference such as alpine:3.20, or scratch"
                : $"{what} takes an image reference such as alpine:3.20, scratch, or a stage defined earlier: {string.Join(", ", stageNames)}";
        throw Error(instruction, $"failed to parse stage name \"{name}\": {problem}", hint);
    }

    private StageState ResolveTarget()
    {
        if (_options.Target is null)
        {
            return _stages[^1];
        }

        if (_stagesByName.TryGetValue(_options.Target.ToLowerInvariant(), out var target))
        {
            return target;
        }

        var names = _stages.Where(static s => s.Definition.Name is not null).Select(static s => s.Definition.Name!).ToList();
        var message = Suggestion.Append($"target stage \"{_options.Target}\" could not be found", _options.Target, names);
        var hint = names.Count == 0
            ? "this Dockerfile has no named stages; name one with FROM <image> AS <name>"
            : $"the stages are: {string.Join(", ", names)}";
        throw new DockerfileException(_dockerfile.FileName, _dockerfile.Stages[^1].From.Line, message, hint: hint);
    }

    /// <summary>COPY --from and RUN --mount from=: which stage (or image) each instruction reads.</summary>
    private void BuildDependencyGraph()
    {
        foreach (var stage in _stages)
        {
            var instructions = stage.Instructions;
            for (var i = 0; i < instructions.Count; i++)
            {
                switch (instructions[i])
                {
                    case CopyInstruction { From: { } from } copy:
                        stage.InstructionSources[i] = [ResolveCopySource(stage, copy, from)];
                        break;
                    case RunInstruction { MountSpecifications.Count: > 0 } run:
                        stage.InstructionSources[i] = [.. run.MountSpecifications.Select(spec => ResolveMountSource(stage, run, MountFrom(spec)))];
                        break;
                }
            }
        }
    }

    private ContentSource ResolveCopySource(StageState stage, CopyInstruction copy, string from)
    {
        // Stages are wired before any variable is known, so --from must be literal.
        if (_lexer.ExpandWord(from, new Dictionary<string, string>()).Result != from)
        {
            throw Error(
                copy,
                "variable expansion is not supported for --from, define a new stage with FROM using ARG from global scope as a workaround",
                "declare 'ARG SRC=<image>' before the first FROM, add 'FROM ${SRC} AS src', then COPY --from=src");
        }

        if (int.TryParse(from, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var index))
        {
            if (index < 0 || index >= _stages.Count)
            {
                throw Error(copy, $"invalid stage index {index}", $"stages are numbered from 0 to {_stages.Count - 1} in the order of their FROM lines");
            }

            return Depend(stage, _stages[index], copy);
        }

        return _stagesByName.TryGetValue(from.ToLowerInvariant(), out var source)
            ? Depend(stage, source, copy)
            : ContentSource.ForImage(ParseImage(copy, from, "COPY --from"), from);
    }

    private ContentSource? ResolveMountSource(StageState stage, RunInstruction run, string? from)
    {
        if (string.IsNullOrEmpty(from))
        {
            return null;
        }

        if (_stagesByName.TryGetValue(from.ToLowerInvariant(), out var source))
        {
            return Depend(stage, source, run);
        }

        return from == ScratchName ? ContentSource.Scratch : ContentSource.ForImage(ParseImage(run, from, "RUN --mount from="), from);
    }

    private static ContentSource Depend(StageState stage, StageState source, Instruction instruction)
    {
        if (stage.Dependencies.All(d => d.Stage != source))
        {
            stage.Dependencies.Add((source, instruction));
        }

        return ContentSource.ForStage(source.Definition.Index, source.Definition.DisplayName);
    }

    // The from= field of a mount as written; the last one wins, as when the mount is read in full.
    private static string? MountFrom(string specification)
    {
        string? from = null;
        foreach (var field in specification.Split(','))
        {
            var equals = field.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && field[..equals].Equals("from", StringComparison.OrdinalIgnoreCase))
            {
                from = field[(equals + 1)..].Trim('"');
            }
        }

        return from;
    }

    private void RejectCycles()
    {
        var done = new HashSet<StageState>();
        var path = new List<StageState>();
        foreach (var stage in _stages)
        {
            Visit(stage);
        }

        void Visit(StageState stage)
        {
            if (done.Contains(stage))
            {
                return;
            }

            path.Add(stage);
            foreach (var (next, instruction) in Edges(stage))
            {
                var at = path.IndexOf(next);
                if (at >= 0)
                {
                    var chain = string.Join(" -> ", path.Skip(at).Append(next).Select(static s => s.Definition.DisplayName));
                    throw Error(
                        instruction,
                        $"circular dependency detected on stage: {next.Definition.DisplayName}",
                        $"the stages depend on each other: {chain}; a stage can only use stages defined above it");
                }

                Visit(next);
            }

            path.RemoveAt(path.Count - 1);
            done.Add(stage);
        }

        static IEnumerable<(StageState Stage, Instruction Instruction)> Edges(StageState stage) =>
            stage.BaseState is null ? stage.Dependencies : stage.Dependencies.Prepend((stage.BaseState, stage.Definition.From));
    }

    private static void MarkRequired(StageState target)
    {
        var pending = new Stack<StageState>([target]);
        while (pending.TryPop(out var stage))
        {
            if (stage.Planned.IsRequired)
            {
                continue;
            }

            stage.Planned.IsRequired = true;
            if (stage.BaseState is not null)
            {
                pending.Push(stage.BaseState);
            }

            foreach (var (dependency, _) in stage.Dependencies)
            {
                pending.Push(dependency);
            }
        }
    }

    /// <summary>Required stages by depth: a stage's group comes after the groups of everything it needs.</summary>
    private List<IReadOnlyList<PlannedStage>> GroupByDependencyDepth()
    {
        var depth = new Dictionary<StageState, int>();
        foreach (var stage in _stages.Where(static s => s.Planned.IsRequired))
        {
            DepthOf(stage);
        }

        return
        [
            .. depth.GroupBy(static p => p.Value)
                .OrderBy(static g => g.Key)
                .Select(static g => (IReadOnlyList<PlannedStage>)[.. g.Select(static p => p.Key.Planned).OrderBy(static s => s.Index)]),
        ];

        // The graph has no cycles (they were refused), so the recursion ends.
        int DepthOf(StageState stage)
        {
            if (depth.TryGetValue(stage, out var known))
            {
                return known;
            }

            var needed = stage.Dependencies.Select(static d => d.Stage);
            if (stage.BaseState is not null)
            {
                needed = needed.Append(stage.BaseState);
            }

            return depth[stage] = needed.Select(d => DepthOf(d) + 1).DefaultIfEmpty(0).Max();
        }
    }
}
