using System.Buffers;
using System.Globalization;

using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Files;
using Hyper.Build.Images;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Engine;

internal sealed partial class BuildSession
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly SearchValues<char> LineBreaksAndTabs = SearchValues.Create("\n\r\t");

    private async Task<StageState> BuildStageAsync(PlannedStage stage, CancellationToken cancellationToken)
    {
        // As BuildKit counts: FROM and every step that changes files; ENV, LABEL and the like are not shown.
        var total = 1 + stage.Steps.Count(static s => ChangesFiles(s.Instruction));
        var number = 1;
        var state = await InVertexAsync(
            $"[{stage.DisplayName} {number}/{total}] FROM {DescribeBase(stage)}",
            _ => StartStageAsync(stage, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var useCache = UsesCache(stage);
        foreach (var step in stage.Steps)
        {
            if (!ChangesFiles(step.Instruction))
            {
                ApplyMetadata(state, step.Instruction);
                AddHistory(state, CreatedBy(step.Original), emptyLayer: true);
                continue;
            }

            if (step.Instruction is WorkdirInstruction workdir)
            {
                // The new directory is part of the key (through the working directory) whether the step runs or not.
                ApplyWorkdir(state, workdir);
            }

            number++;
            var vertex = new BuildVertex(Interlocked.Increment(ref _vertices), $"[{stage.DisplayName} {number}/{total}] {Describe(step.Original)}");
            var key = await StepKeyAsync(state, step, cancellationToken).ConfigureAwait(false);
            if (key is { } cached && useCache && await TryReuseAsync(state, cached, CreatedByOf(state, step), cancellationToken).ConfigureAwait(false))
            {
                progress.Started(vertex);
                progress.Cached(vertex);
                continue;
            }

            var layersBefore = state.Layers.Count;
            var parentKey = state.CacheKey;
            await InVertexAsync(vertex, v => ExecuteAsync(state, step, v, cancellationToken), cancellationToken).ConfigureAwait(false);
            if (key is { } executed)
            {
                Remember(state, executed, layersBefore);
            }
            else
            {
                state.CacheKey = NextKey(parentKey, state.Layers.Count > layersBefore ? state.DiffIds[^1] : null);
            }
        }

        return state;
    }

    private static bool ChangesFiles(Instruction instruction) =>
        instruction is RunInstruction or CopyInstruction or AddInstruction or WorkdirInstruction;

    private async Task ExecuteAsync(StageState state, PlannedStep step, BuildVertex vertex, CancellationToken cancellationToken)
    {
        try
        {
            await (step.Instruction switch
            {
                RunInstruction run => RunAsync(state, step, run, vertex, cancellationToken),
                CopyInstruction or AddInstruction => CopyAsync(state, step, cancellationToken),
                WorkdirInstruction => WorkdirAsync(state, cancellationToken),
                _ => throw new InvalidOperationException($"{step.Instruction.GetType().Name} does not change files"),
            }).ConfigureAwait(false);
        }
        catch (FileCopyException e)
        {
            // USER naming no one, WORKDIR through a symlink out of the root …: the step's input is wrong, so it is a
            // build error naming the line, not an I/O failure of hyperbuild's.
            throw new BuildFailedException($"{Location(step.Instruction)}: {Describe(step.Original)}: {e.Message}", e);
        }
    }

    private string DescribeBase(PlannedStage stage) => stage.Base.Kind switch
    {
        ContentSourceKind.Scratch => "scratch",
        ContentSourceKind.Stage => stage.BaseStage?.DisplayName ?? stage.Base.Name ?? "stage",
        _ when FindNamedContext(stage.Base) is { } named => named.ToString(),
        _ => stage.Base.Image!.ToString(),
    };

    /// <summary>The state a stage starts from: nothing, an earlier stage's result, or an image's layers and config.</summary>
    private async Task<StageState> StartStageAsync(PlannedStage stage, CancellationToken cancellationToken)
    {
        StageState state;
        if (stage.Base.Kind == ContentSourceKind.Scratch)
        {
            // As BuildKit's empty image: the working directory is "/" (PATH is added below).
            state = new StageState { Stage = stage, Platform = stage.Platform, Config = new ContainerConfig { WorkingDir = "/" } };
            state.CacheKey = BaseKey(stage, image: null, baseStage: null);
        }
        else if (stage.BaseStage is { } baseStage)
        {
            state = (await StageAsync(baseStage.Index).ConfigureAwait(false)).Derive(stage);
        }
        else
        {
            var image = await GetSourceImageAsync(stage.Base, stage.Platform, stage.Definition.From, cancellationToken).ConfigureAwait(false);
            state = new StageState
            {
                Stage = stage,
                Platform = stage.Platform,
                Layers = [.. image.Manifest.Image!.Layers],
                DiffIds = [.. image.Config.RootFs.DiffIds],
                History = [.. image.Config.History ?? []],
                Config = image.Config.Config ?? new ContainerConfig(),
                Author = image.Config.Author,
            };
            state.CacheKey = BaseKey(stage, image, baseStage: null);
        }

        // The base's triggers run as the first steps of this stage (the planner put them there) and are not inherited.
        state.Config = state.Config with { OnBuild = null };

        if (!(state.Config.Env ?? []).Any(static e => e.StartsWith("PATH=", StringComparison.Ordinal)))
        {
            // As BuildKit: an image without PATH gets the default one, so RUN and the result find programs.
            state.SetEnvironment("PATH", DefaultPath);
        }

        // Layers are unpacked when a step first mounts them (MountAsync): a stage taken wholly from the cache needs none.
        return state;
    }

    /// <summary>
    /// An image a stage starts from or copies from (for <paramref name="instruction"/>, which a failure names):
    /// from a named context or through the image source; once per build, remembered under the name the
    /// Dockerfile uses so the planner can ask for its ENV and triggers.
    /// </summary>
    private Task<StoredImage> GetSourceImageAsync(ContentSource source, Platform platform, Instruction instruction, CancellationToken cancellationToken) =>
        Once(_images, (source.Image!.ToString(), platform.ToString()), async () =>
        {
            var named = FindNamedContext(source);
            return named switch
            {
                null => await GetImageAsync(source.Image, platform, cancellationToken).ConfigureAwait(false),
                { Image: { } reference } => await GetImageAsync(reference, platform, cancellationToken).ConfigureAwait(false),
                { LayoutDirectory: { } directory } => await InVertexAsync(
                    $"[internal] load {named}",
                    _ => ImportNamedLayoutAsync(source, named, directory, platform, instruction, cancellationToken),
                    cancellationToken).ConfigureAwait(false),
                _ => throw new BuildFailedException($"{Location(instruction)}: named context {source.Name} is a directory ({named.Directory}); FROM needs an image (docker-image:// or oci-layout://)"),
            };
        });

    private async Task<StoredImage> ImportNamedLayoutAsync(
        ContentSource source, NamedContext named, string directory, Platform platform, Instruction instruction, CancellationToken cancellationToken)
    {
        try
        {
            return await ImportLayoutAsync(directory, named.LayoutTag, platform, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or KeyNotFoundException or InvalidOperationException or InvalidOciDocumentException)
        {
            // Said as a build error, so it names the line and the context as given, not only the directory.
            throw new BuildFailedException($"{Location(instruction)}: {Describe(instruction)}: --build-context {source.Name}={named}: {e.Message}", e);
        }
    }

    /// <summary>Applies an instruction that changes only the config (ENV, LABEL, CMD …).</summary>
    private static void ApplyMetadata(StageState state, Instruction instruction)
    {
        var config = state.Config;
        switch (instruction)
        {
            case EnvInstruction env:
                foreach (var variable in env.Variables)
                {
                    state.SetEnvironment(variable.Key, variable.Value);
                }

                return;
            case LabelInstruction label:
                foreach (var pair in label.Labels)
                {
                    state.SetLabel(pair.Key, pair.Value);
                }

                return;
            case MaintainerInstruction maintainer:
                state.Author = maintainer.Maintainer;
                return;
            case ExposeInstruction expose:
                foreach (var port in expose.Ports.SelectMany(ExposedPorts))
                {
                    state.AddExposedPort(port);
                }

                return;
            case VolumeInstruction volume:
                foreach (var path in volume.Volumes)
                {
                    state.AddVolume(path);
                }

                return;
            case UserInstruction user:
                state.Config = config with { User = user.User };
                return;
            case CmdInstruction cmd:
                state.Config = config with { Cmd = CommandOf(state, cmd.Command) };
                state.CommandSet = true;
                return;
            case EntrypointInstruction entrypoint:
                // Docker's rule: a new ENTRYPOINT drops a CMD inherited from the base, which was meant for the old one.
                state.Config = config with { Entrypoint = CommandOf(state, entrypoint.Command), Cmd = state.CommandSet ? config.Cmd : null };
                return;
            case ShellInstruction shell:
                state.Config = config with { Shell = shell.Shell };
                return;
            case StopSignalInstruction stopSignal:
                state.Config = config with { StopSignal = stopSignal.Signal };
                return;
            case HealthcheckInstruction healthcheck:
                state.Config = config with { Healthcheck = HealthcheckOf(healthcheck) };
                return;
            case OnbuildInstruction onbuild:
                state.Config = config with { OnBuild = [.. config.OnBuild ?? [], onbuild.Expression] };
                return;
            case ArgInstruction or FromInstruction:
                return;
            default:
                throw new InvalidOperationException($"no rule for {instruction.GetType().Name}");
        }
    }

    // An empty exec form (CMD []) is no command: BuildKit's config leaves it out (Go's omitempty), and so do we.
    private static IReadOnlyList<string>? CommandOf(StageState state, CommandLine command) =>
        !command.IsExecForm ? [.. state.Shell, .. command.Arguments] : command.Arguments.Count > 0 ? command.Arguments : null;

    private static Healthcheck HealthcheckOf(HealthcheckInstruction instruction)
    {
        static long? Nanoseconds(TimeSpan value) => value == TimeSpan.Zero ? null : value.Ticks * 100;
        return new Healthcheck
        {
            Test = instruction.Test,
            IntervalNanoseconds = Nanoseconds(instruction.Interval),
            TimeoutNanoseconds = Nanoseconds(instruction.Timeout),
            StartPeriodNanoseconds = Nanoseconds(instruction.StartPeriod),
            StartIntervalNanoseconds = Nanoseconds(instruction.StartInterval),
            Retries = instruction.Retries == 0 ? null : instruction.Retries,
        };
    }

    /// <summary>EXPOSE's ports as the config keys them: <c>80/tcp</c>; a range <c>8000-8002/udp</c> is one key per port, as docker writes it.</summary>
    private static IEnumerable<string> ExposedPorts(string port)
    {
        var slash = port.IndexOf('/', StringComparison.Ordinal);
        var (number, protocol) = slash < 0 ? (port, "tcp") : (port[..slash], port[(slash + 1)..].ToLowerInvariant());
        var dash = number.IndexOf('-', StringComparison.Ordinal);
        if (dash > 0
            && int.TryParse(number[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var first)
            && int.TryParse(number[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && first <= last)
        {
            return Enumerable.Range(first, last - first + 1).Select(p => $"{p.ToString(CultureInfo.InvariantCulture)}/{protocol}");
        }

        return [$"{number}/{protocol}"];
    }

    /// <summary>
    /// A history entry for a step that ran now, or (<paramref name="emptyLayer"/>) for one that changed only the
    /// config. Those take the time of the entry before them, as BuildKit's exporter does, so that a rebuild taken
    /// wholly from the cache writes the same config and image digest as the build it reuses; with no entry before
    /// them (FROM scratch) they get theirs at export, from the entry after them (<see cref="WithTimes"/>).
    /// </summary>
    private void AddHistory(StageState state, string createdBy, bool emptyLayer)
    {
        var created = emptyLayer ? state.History.LastOrDefault()?.Created : DateTimeOffset.UtcNow;
        state.History.Add(HistoryOf(createdBy, created, emptyLayer));
    }

    private HistoryEntry HistoryOf(string createdBy, DateTimeOffset? created, bool emptyLayer) =>
        new() { Created = _epoch ?? created, CreatedBy = createdBy, Comment = "hyperbuild", EmptyLayer = emptyLayer ? true : null };

    /// <summary>The instruction as written, on one line: the name of its vertex.</summary>
    private static string Describe(Instruction instruction)
    {
        // A here-document's body is content, not part of the name.
        var text = instruction.Node.Original;
        if (instruction.Node.Heredocs.Count > 0 && text.IndexOf('\n', StringComparison.Ordinal) is var end and > 0)
        {
            text = text[..end];
        }

        // Most instructions are one line with single spaces already; only the others need splitting and joining.
        if (text.AsSpan().IndexOfAny(LineBreaksAndTabs) < 0 && !text.Contains("  ", StringComparison.Ordinal)
            && !text.StartsWith(' ') && !text.EndsWith(' '))
        {
            return text;
        }

        return string.Join(' ', text.Split((char[])['\n', '\r', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// The created_by of a step that changes files, as BuildKit writes it: <c>RUN /bin/sh -c … # buildkit</c>,
    /// <c>COPY … # buildkit</c>, <c>WORKDIR /path</c>. Always from the step being built, also when its result
    /// comes from the cache (whose key may be shared by differently written instructions).
    /// </summary>
    private static string CreatedByOf(StageState state, PlannedStep step) => step.Instruction switch
    {
        RunInstruction run => $"RUN {string.Join(' ', RunArguments(state, run))} # buildkit",
        WorkdirInstruction => $"WORKDIR {state.WorkingDirectory}",
        _ => $"{Describe(step.Original)} # buildkit",
    };

    /// <summary>A history entry's created_by, as BuildKit writes it for the instructions that make no layer.</summary>
    private static string CreatedBy(Instruction instruction) => Describe(instruction);
}
