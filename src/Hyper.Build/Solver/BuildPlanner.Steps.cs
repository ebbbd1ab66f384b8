using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;

namespace Hyper.Build.Solver;

public sealed partial class BuildPlanner
{
    // What BuildKit sets when the base image has no PATH, so $PATH always means something.
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>Runs through a stage's instructions as a build would, expanding each with the values in effect.</summary>
    private void Dispatch(StageState stage)
    {
        if (stage.BaseState is { } parent)
        {
            stage.Environment = parent.Environment;
            stage.DeclaredArguments = new(parent.DeclaredArguments, StringComparer.Ordinal);
            stage.Platform = parent.Platform;
            stage.WorkingDirectory = parent.WorkingDirectory;
        }
        else
        {
            var image = stage.Planned.Base.Image;
            var inherited = image is null ? null : _options.ImageEnvironment?.Invoke(image, stage.Platform);
            stage.Environment = (inherited is null ? VariableMap.Empty : VariableMap.From(inherited)).SetIfAbsent("PATH", DefaultPath);
        }

        var instructions = stage.Instructions;
        for (var i = 0; i < instructions.Count; i++)
        {
            var sources = stage.InstructionSources.GetValueOrDefault(i);
            RequireDispatched(stage, instructions[i], sources);
            var environment = stage.Environment;
            var undefined = new List<UndefinedVariable>();
            var (expanded, stepSources) = DispatchInstruction(stage, instructions[i], sources, undefined);
            stage.Steps.Add(new PlannedStep
            {
                Instruction = expanded,
                Original = instructions[i],
                Sources = stepSources,
                Environment = environment,
                UndefinedVariables = undefined.Count == 0 ? Array.Empty<UndefinedVariable>() : undefined,
            });
        }

        stage.Dispatched = true;
    }

    // Stages are built in file order, so a stage can only use stages above it.
    private void RequireDispatched(StageState stage, Instruction instruction, List<ContentSource?>? sources)
    {
        if (sources is null)
        {
            return;
        }

        foreach (var source in sources)
        {
            if (source is not { Kind: ContentSourceKind.Stage, StageIndex: { } index } || _stages[index].Dispatched)
            {
                continue;
            }

            var name = _stages[index].Definition.DisplayName;
            var message = instruction is CopyInstruction
                ? $"cannot copy from stage \"{name}\", it needs to be defined before current stage \"{stage.Definition.DisplayName}\""
                : $"cannot mount from stage \"{name}\", stage needs to be defined before current command";
            throw Error(instruction, message, $"move stage \"{name}\" above stage \"{stage.Definition.DisplayName}\"");
        }
    }

    private (Instruction Expanded, IReadOnlyList<ContentSource> Sources) DispatchInstruction(
        StageState stage, Instruction instruction, List<ContentSource?>? sources, List<UndefinedVariable> undefined)
    {
        string Word(string word) => Expand(stage, instruction, word, undefined);

        switch (instruction)
        {
            case EnvInstruction env:
                var variables = env.Variables.Select(v => v with { Key = Word(v.Key), Value = Word(v.Value) }).ToList();

                // Every value of one ENV sees the variables as they were before it: ENV a=1 b=$a uses the old a.
                foreach (var variable in variables)
                {
                    stage.Environment = stage.Environment.Set(variable.Key, variable.Value);
                }

                return (env with { Variables = variables }, []);
            case ArgInstruction arg:
                return (DispatchArg(stage, arg, undefined), []);
            case LabelInstruction label:
                return (DispatchLabel(label, Word), []);
            case WorkdirInstruction workdir:
                var path = Word(workdir.Path);
                stage.WorkingDirectory = ResolvePath(stage.WorkingDirectory, path);
                return (workdir with { Path = path }, []);
            case UserInstruction user:
                return (user with { User = Word(user.User) }, []);
            case VolumeInstruction volume:
                var volumes = volume.Volumes.Select(Word).ToList();
                return volumes.Any(static v => v.Length == 0)
                    ? throw Error(volume, "VOLUME specified can not be an empty string", "check the variables used in VOLUME")
                    : (volume with { Volumes = volumes }, []);
            case StopSignalInstruction stop:
                return (stop with { Signal = CheckSignal(stop, Word(stop.Signal)) }, []);
            case ExposeInstruction expose:
                return (DispatchExpose(stage, expose, undefined), []);
            case CopyInstruction copy:
                return (DispatchCopy(stage, copy, Word, undefined), sources is null ? [] : [sources[0]!]);
            case AddInstruction add:
                return (DispatchAdd(stage, add, Word, undefined), []);
            case RunInstruction run:
                return DispatchRun(stage, run, sources, Word);
            default:
                // CMD, ENTRYPOINT, SHELL, HEALTHCHECK, MAINTAINER, ONBUILD: nothing is expanded by the builder.
                return (instruction, []);
        }
    }

    // Labels are most often literal; keeping the parsed instruction then saves a copy of it per LABEL line,
    // which a generated Dockerfile of tens of thousands of them would otherwise hold until the build ends.
    private static LabelInstruction DispatchLabel(LabelInstruction label, Func<string, string> word)
    {
        List<KeyValue>? expanded = null;
        for (var i = 0; i < label.Labels.Count; i++)
        {
            var pair = label.Labels[i];
            var key = word(pair.Key);
            var value = word(pair.Value);
            if (expanded is null && (key != pair.Key || value != pair.Value))
            {
                expanded = [.. label.Labels.Take(i)];
            }

            expanded?.Add(pair with { Key = key, Value = value });
        }

        return expanded is null ? label : label with { Labels = expanded };
    }

    private ExposeInstruction DispatchExpose(StageState stage, ExposeInstruction expose, List<UndefinedVariable> undefined)
    {
        var ports = new List<string>();
        foreach (var port in expose.Ports)
        {
            ShellWordsExpansion expansion = ExpandWordsOrThrow(expose, port, stage.Environment);
            NoteUndefined(stage, expansion.Unmatched, undefined);
            foreach (var word in expansion.Words)
            {
                ports.AddRange(ExpandPort(expose, word));
            }
        }

        return expose with { Ports = ports };
    }

    private CopyInstruction DispatchCopy(StageState stage, CopyInstruction copy, Func<string, string> word, List<UndefinedVariable> undefined)
    {
        var expanded = copy with
        {
            Chown = copy.Chown is null ? null : word(copy.Chown),
            Chmod = copy.Chmod is null ? null : word(copy.Chmod),
            Sources = [.. copy.Sources.Select(word)],
            Destination = word(copy.Destination),
            SourceContents = ExpandContents(stage, copy, copy.SourceContents, undefined),
        };
        CheckChmod(copy, expanded.Chmod);
        foreach (var source in expanded.Sources)
        {
            if (IsUrl(source))
            {
                throw Error(copy, "source can't be a URL for COPY", "use ADD to download a file, or RUN curl/wget");
            }
        }

        return expanded;
    }

    private AddInstruction DispatchAdd(StageState stage, AddInstruction add, Func<string, string> word, List<UndefinedVariable> undefined)
    {
        var expanded = add with
        {
            Chown = add.Chown is null ? null : word(add.Chown),
            Chmod = add.Chmod is null ? null : word(add.Chmod),
            Checksum = add.Checksum is null ? null : word(add.Checksum),
            Sources = [.. add.Sources.Select(word)],
            Destination = word(add.Destination),
            SourceContents = ExpandContents(stage, add, add.SourceContents, undefined),
        };
        CheckChmod(add, expanded.Chmod);
        CheckChecksum(add, expanded);
        return expanded;
    }

    // Here-document sources expand unless their delimiter was quoted; quotes inside them are file content.
    private List<SourceContent> ExpandContents(
        StageState stage, Instruction instruction, IReadOnlyList<SourceContent> contents, List<UndefinedVariable> undefined)
    {
        var raw = new ShellLexer('\\') { QuotesAreLiteral = true };
        var expanded = new List<SourceContent>(contents.Count);
        foreach (var content in contents)
        {
            if (!content.Expand)
            {
                expanded.Add(content);
                continue;
            }

            ShellExpansion expansion;
            try
            {
                expansion = raw.ExpandWord(content.Data, stage.Environment);
            }
            catch (ShellExpansionException e)
            {
                throw Error(instruction, e.Message, "quote the delimiter (<<'EOF') to keep the contents as written");
            }

            NoteUndefined(stage, expansion.Unmatched, undefined);
            expanded.Add(content with { Data = expansion.Result });
        }

        return expanded;
    }

    private (Instruction, IReadOnlyList<ContentSource>) DispatchRun(StageState stage, RunInstruction run, List<ContentSource?>? sources, Func<string, string> word)
    {
        if (run.Devices.Count > 0 && !IsLabsSyntax())
        {
            throw Error(
                run,
                "device feature is only supported in Dockerfile frontend 1.14.0-labs or later",
                "add '# syntax=docker/dockerfile:1-labs' as the first line to use RUN --device");
        }

        var mounts = new List<RunMount>(run.MountSpecifications.Count);
        var mountSources = new List<ContentSource>(run.MountSpecifications.Count);
        for (var i = 0; i < run.MountSpecifications.Count; i++)
        {
            RunMount mount;
            try
            {
                mount = RunMountReader.Read(run.MountSpecifications[i], word);
            }
            catch (FormatException e)
            {
                throw Error(run, e.Message, "write --mount=type=<bind|cache|tmpfs|secret|ssh>,target=<path>[,<option>=<value>…]");
            }

            CheckMountTarget(stage, run, mount);
            mounts.Add(mount);
            mountSources.Add(sources?[i] ?? (mount.Type == MountType.Bind ? ContentSource.Context : ContentSource.Scratch));
            NoteCredential(stage, run, mount);
        }

        return (run with { Mounts = mounts }, mountSources);
    }

    private static void NoteCredential(StageState stage, RunInstruction run, RunMount mount)
    {
        if (mount.SecretId is { } secret)
        {
            stage.Secrets.TryAdd(secret, new OutlineCredential(secret, mount.Required, run.Line));
        }

        if (mount.SshId is { } ssh)
        {
            stage.Ssh.TryAdd(ssh, new OutlineCredential(ssh, mount.Required, run.Line));
        }
    }

    private bool IsLabsSyntax() =>
        _dockerfile.Document.Directives.TryGetValue("syntax", out var syntax) && syntax.Contains("labs", StringComparison.OrdinalIgnoreCase);
}
