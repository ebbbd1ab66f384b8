using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Solver;

public sealed partial class BuildPlanner
{
    // BuildKit reads these as settings and keeps them out of the environment of RUN steps.
    private static readonly HashSet<string> NonEnvironmentArguments =
        new(["BUILDKIT_SBOM_SCAN_CONTEXT", "BUILDKIT_SBOM_SCAN_STAGE"], StringComparer.Ordinal);

    /// <summary>The automatic platform ARGs, in the global scope; a <c>--build-arg</c> of the same name wins.</summary>
    private void AddPlatformArguments()
    {
        foreach (var (name, value) in PlatformArguments(_dockerfile, _options))
        {
            _globalEnvironment[name] = value;
        }
    }

    /// <summary>
    /// The automatic platform ARGs (BUILDPLATFORM, TARGETARCH … TARGETSTAGE) as FROM sees them for
    /// <paramref name="options"/>: a <c>--build-arg</c> of the same name wins.
    /// </summary>
    public static IReadOnlyDictionary<string, string> PlatformArguments(ParsedDockerfile dockerfile, BuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(dockerfile);
        ArgumentNullException.ThrowIfNull(options);
        var build = options.BuildPlatform;
        var target = options.TargetPlatform ?? build;
        var stage = options.Target ?? dockerfile.Stages.LastOrDefault()?.Name;
        (string Name, string Value)[] arguments =
        [
            ("BUILDPLATFORM", build.ToString()),
            ("BUILDOS", build.OS),
            ("BUILDOSVERSION", build.OSVersion ?? string.Empty),
            ("BUILDARCH", build.Architecture),
            ("BUILDVARIANT", build.Variant ?? string.Empty),
            ("TARGETPLATFORM", target.ToString()),
            ("TARGETOS", target.OS),
            ("TARGETOSVERSION", target.OSVersion ?? string.Empty),
            ("TARGETARCH", target.Architecture),
            ("TARGETVARIANT", target.Variant ?? string.Empty),
            ("TARGETSTAGE", string.IsNullOrEmpty(stage) ? "default" : stage),
        ];
        return arguments.ToDictionary(
            static a => a.Name, a => options.BuildArgs.TryGetValue(a.Name, out var given) ? given : a.Value, StringComparer.Ordinal);
    }

    /// <summary>The ARGs before the first FROM: each default expanded with the global ARGs before it.</summary>
    private void AddGlobalArguments()
    {
        foreach (var instruction in _dockerfile.GlobalArgs)
        {
            foreach (var definition in instruction.Arguments)
            {
                string? value = null;
                var dependencies = new HashSet<string>(StringComparer.Ordinal);
                if (_options.BuildArgs.TryGetValue(definition.Name, out var given))
                {
                    value = given;
                }
                else if (definition.Default is not null)
                {
                    var expansion = ExpandOrThrow(instruction, definition.Default, _globalEnvironment);
                    value = expansion.Result;
                    dependencies.UnionWith(expansion.Matched);
                    dependencies.Remove(definition.Name);

                    // ARG A=${A}x keeps what the earlier A depended on.
                    if (expansion.Matched.Contains(definition.Name) && _globalArguments.TryGetValue(definition.Name, out var earlier))
                    {
                        dependencies.UnionWith(earlier.Dependencies);
                    }
                }

                if (value is not null)
                {
                    _globalEnvironment[definition.Name] = value;
                }

                _globalArguments[definition.Name] = new ArgumentInfo(definition.Name, value ?? string.Empty, definition.Description, instruction.Line, dependencies);
            }
        }
    }

    /// <summary>ARG inside a stage: the build-arg, else the default, else the global value when redeclared without one.</summary>
    private ArgInstruction DispatchArg(StageState stage, ArgInstruction instruction, List<UndefinedVariable> undefined)
    {
        var expanded = new List<ArgDefinition>(instruction.Arguments.Count);
        foreach (var definition in instruction.Arguments)
        {
            var hasBuildArg = _options.BuildArgs.TryGetValue(definition.Name, out var given);
            string? value = null;
            var inheritedFromGlobal = false;
            if (definition.Default is null && !hasBuildArg && _globalEnvironment.TryGetValue(definition.Name, out var global))
            {
                value = global;
                inheritedFromGlobal = true;
            }

            if (hasBuildArg)
            {
                value = given;
            }
            else if (definition.Default is not null)
            {
                value = Expand(stage, instruction, definition.Default, undefined);
            }

            if (value is not null && !NonEnvironmentArguments.Contains(definition.Name))
            {
                stage.Environment = stage.Environment.Set(definition.Name, value);
            }

            // A global ARG redeclared without a value keeps the global's outline entry (its default and comment).
            if (!inheritedFromGlobal)
            {
                stage.OutlineArguments[definition.Name] = new ArgumentInfo(
                    definition.Name, value ?? string.Empty, definition.Description, instruction.Line, new HashSet<string>(StringComparer.Ordinal));
            }

            stage.UsedArguments.Add(definition.Name);
            stage.DeclaredArguments.Add(definition.Name);
            expanded.Add(definition with { Default = value });
        }

        return instruction with { Arguments = expanded };
    }

    /// <summary>
    /// Expands <paramref name="word"/> with the stage's ENV and ARG values, noting variables that nothing
    /// defined (declared ARGs without a value are defined, just empty).
    /// </summary>
    private string Expand(StageState stage, Instruction instruction, string word, List<UndefinedVariable> undefined)
    {
        var expansion = ExpandOrThrow(instruction, word, stage.Environment);
        NoteUndefined(stage, expansion.Unmatched, undefined);
        return expansion.Result;
    }

    private static void NoteUndefined(StageState stage, IReadOnlySet<string> unmatched, List<UndefinedVariable> undefined)
    {
        // Nearly every word has none; sorting the empty set still costs an allocation per word.
        if (unmatched.Count == 0)
        {
            return;
        }

        foreach (var name in unmatched.Order(StringComparer.Ordinal))
        {
            if (stage.DeclaredArguments.Contains(name) || NonEnvironmentArguments.Contains(name) || undefined.Any(u => u.Name == name))
            {
                continue;
            }

            undefined.Add(new UndefinedVariable(name, Suggestion.Find(name, stage.Environment.Keys)));
        }
    }

    private ShellExpansion ExpandOrThrow(Instruction instruction, string word, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            return _lexer.ExpandWord(word, environment);
        }
        catch (ShellExpansionException e)
        {
            throw Error(instruction, e.Message, @"close every quote and ${…}, or escape a literal $ as \$");
        }
    }

    private ShellWordsExpansion ExpandWordsOrThrow(Instruction instruction, string words, IReadOnlyDictionary<string, string> environment)
    {
        try
        {
            return _lexer.ExpandWords(words, environment);
        }
        catch (ShellExpansionException e)
        {
            throw Error(instruction, e.Message, @"close every quote and ${…}, or escape a literal $ as \$");
        }
    }
}
