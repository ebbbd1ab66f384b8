using System.Diagnostics;
using System.Globalization;
using System.Runtime.ExceptionServices;

using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Images;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>
/// One run of <see cref="Builder.BuildAsync"/>: plans the Dockerfile twice (once to learn which base
/// images it needs, once more with their environment known), then builds the stages the target needs,
/// independent ones in parallel, and stores the target's image.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class BuildSession(Builder builder, BuildRequest request, IBuildProgress progress)
{
    private const string SourceDateEpoch = "SOURCE_DATE_EPOCH";

    private const string ZstdInDockerFormat = "zstd layers cannot be written in the Docker format; use --format oci or --compression gzip";

    /// <summary>
    /// Each required stage's result, by index: filled before any stage starts and only read while they run,
    /// so stages running in parallel share it without a lock.
    /// </summary>
    private readonly Dictionary<int, TaskCompletionSource<StageState>> _stages = [];

    /// <summary>Images by the name the Dockerfile uses (a named context's name too), each fetched or imported once however many stages ask.</summary>
    private readonly Dictionary<(string Name, string Platform), Lazy<Task<StoredImage>>> _images = [];

    /// <summary>Images by the reference fetched, so a named context pointing at an image the Dockerfile also names is fetched once.</summary>
    private readonly Dictionary<(string Name, string Platform), Lazy<Task<StoredImage>>> _fetched = [];
    private int _vertices;
    private DateTimeOffset _created;
    private DateTimeOffset? _epoch;
    private string _dockerfileName = "Dockerfile";
    private IReadOnlyDictionary<string, string> _proxyArguments = new Dictionary<string, string>();

    public async Task<BuildResult> RunAsync(CancellationToken cancellationToken)
    {
        // Refused before any step runs: the export would refuse it only after every step had been built.
        if (request.Format == ManifestFormat.Docker && request.Compression == LayerCompression.Zstd)
        {
            throw new BuildFailedException(ZstdInDockerFormat);
        }

        _dockerfileName = Path.GetFileName(request.Context.DockerfilePath);
        var dockerfile = await InVertexAsync(
            $"[internal] load build definition from {_dockerfileName}",
            _ => Task.FromResult(InstructionParser.Parse(DockerfileParser.Parse(File.ReadAllText(request.Context.DockerfilePath), _dockerfileName))),
            cancellationToken).ConfigureAwait(false);

        _epoch = ReadSourceDateEpoch();
        _created = _epoch ?? DateTimeOffset.UtcNow;

        var first = BuildPlanner.Plan(dockerfile, request.Options);
        foreach (var (source, platform, instruction) in ImagesNeeded(first))
        {
            await GetSourceImageAsync(source, platform, instruction, cancellationToken).ConfigureAwait(false);
        }

        var plan = BuildPlanner.Plan(dockerfile, request.Options with { ImageEnvironment = EnvironmentOf, ImageTriggers = TriggersOf });
        _proxyArguments = plan.ProxyArguments;
        try
        {
            await BuildStagesAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Kept even when a step failed: the files hashed before it are still unchanged for the next try.
            // Only a speed-up: failing to save it must not hide the build's own outcome.
            try
            {
                builder.Cache.FileDigests.Save();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }

        return await ExportAsync(await StageAsync(plan.Target.Index).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The result of the required stage <paramref name="index"/>; complete once the stages depending on it run.</summary>
    private Task<StageState> StageAsync(int index) => _stages[index].Task;

    /// <summary>
    /// Builds the required stages, each as soon as the stages it depends on are built, at most
    /// <see cref="BuildRequest.Jobs"/> at a time. The first stage to fail cancels the others, and its error is
    /// the build's, not the cancellation the others end with; every stage has stopped (and cleaned up its
    /// snapshots) before this returns.
    /// </summary>
    private async Task BuildStagesAsync(BuildPlan plan, CancellationToken cancellationToken)
    {
        var stages = plan.RequiredStages.ToList();
        foreach (var stage in stages)
        {
            _stages[stage.Index] = new TaskCompletionSource<StageState>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(request.Jobs, request.Jobs);
        Exception? firstError = null;

        async Task RunStageAsync(PlannedStage stage)
        {
            var result = _stages[stage.Index];
            try
            {
                // Waiting for dependencies holds no slot, so a stage waiting cannot keep the ones it waits for from running.
                foreach (var dependency in stage.Dependencies)
                {
                    await StageAsync(dependency.Index).ConfigureAwait(false);
                }

                await slots.WaitAsync(failed.Token).ConfigureAwait(false);
                try
                {
                    result.SetResult(await BuildStageAsync(stage, failed.Token).ConfigureAwait(false));
                }
                finally
                {
                    slots.Release();
                }
            }
            catch (Exception e)
            {
                // Set before cancelling, so the errors the cancellation causes in other stages come second.
                if (e is not OperationCanceledException || !failed.IsCancellationRequested)
                {
                    Interlocked.CompareExchange(ref firstError, e, null);
                }

                await failed.CancelAsync().ConfigureAwait(false);

                // Canceled, not faulted: the stages waiting for this one stop without taking its error for theirs,
                // and a stage nothing waits for leaves no unobserved exception behind.
                result.TrySetCanceled(failed.Token);
            }
        }

        var running = stages.Select(RunStageAsync).ToList();
        await Task.WhenAll(running).ConfigureAwait(false);
        if (firstError is not null)
        {
            ExceptionDispatchInfo.Throw(firstError);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Runs <paramref name="work"/> as a vertex of the progress display, timing it and reporting how it ended.</summary>
    private Task<T> InVertexAsync<T>(string name, Func<BuildVertex, Task<T>> work, CancellationToken cancellationToken) =>
        InVertexAsync(new BuildVertex(Interlocked.Increment(ref _vertices), name), work, cancellationToken);

    private async Task<T> InVertexAsync<T>(BuildVertex vertex, Func<BuildVertex, Task<T>> work, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        progress.Started(vertex);
        var clock = Stopwatch.StartNew();
        try
        {
            var result = await work(vertex).ConfigureAwait(false);
            progress.Finished(vertex, clock.Elapsed, error: null);
            return result;
        }
        catch (Exception e)
        {
            progress.Finished(vertex, clock.Elapsed, e is OperationCanceledException ? "canceled" : e.Message);
            throw;
        }
    }

    private Task InVertexAsync(string name, Func<BuildVertex, Task> work, CancellationToken cancellationToken) =>
        InVertexAsync(new BuildVertex(Interlocked.Increment(ref _vertices), name), work, cancellationToken);

    private Task InVertexAsync(BuildVertex vertex, Func<BuildVertex, Task> work, CancellationToken cancellationToken) =>
        InVertexAsync<bool>(vertex, async v => { await work(v).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>SOURCE_DATE_EPOCH from <c>--build-arg</c> or the environment: the time every timestamp is clamped to.</summary>
    private DateTimeOffset? ReadSourceDateEpoch()
    {
        var text = request.Options.BuildArgs.GetValueOrDefault(SourceDateEpoch) ?? Environment.GetEnvironmentVariable(SourceDateEpoch);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new FormatException($"{SourceDateEpoch}={text} is not a number of seconds since 1970");
    }

    /// <summary>The images (or named image contexts in their place) the required stages start from or copy from.</summary>
    private IEnumerable<(ContentSource Source, Platform Platform, Instruction Instruction)> ImagesNeeded(BuildPlan plan)
    {
        foreach (var stage in plan.RequiredStages)
        {
            var sources = stage.Steps.SelectMany(static s => s.Sources.Select(source => (Source: source, Instruction: s.Original)))
                .Prepend((stage.Base, (Instruction)stage.Definition.From));
            foreach (var (source, instruction) in sources)
            {
                // A named context that is a directory gives files, not an image.
                if (source is { Kind: ContentSourceKind.Image } && FindNamedContext(source) is not { Directory: not null })
                {
                    yield return (source, stage.Platform, instruction);
                }
            }
        }
    }

    private NamedContext? FindNamedContext(ContentSource source) =>
        source.Name is { } name && request.NamedContexts.TryGetValue(name, out var context) ? context : null;

    /// <summary>The image <paramref name="reference"/> for <paramref name="platform"/>, fetched once per build.</summary>
    private Task<StoredImage> GetImageAsync(Reference reference, Platform platform, CancellationToken cancellationToken) =>
        Once(_fetched, (reference.ToString(), platform.ToString()), () => InVertexAsync(
            $"[internal] load metadata for {reference}",
            _ => builder.ImageSource.GetAsync(reference, platform, request.Pull, cancellationToken),
            cancellationToken));

    /// <summary>
    /// The image under <paramref name="key"/> in <paramref name="images"/>, started by <paramref name="fetch"/> the
    /// first time it is asked for; stages asking at the same time share that one fetch.
    /// </summary>
    private static Task<StoredImage> Once(
        Dictionary<(string Name, string Platform), Lazy<Task<StoredImage>>> images, (string Name, string Platform) key, Func<Task<StoredImage>> fetch)
    {
        Lazy<Task<StoredImage>>? image;
        lock (images)
        {
            if (!images.TryGetValue(key, out image))
            {
                image = new Lazy<Task<StoredImage>>(fetch);
                images[key] = image;
            }
        }

        // Started outside the lock: fetching takes long, and other images need not wait for it.
        return image.Value;
    }

    /// <summary>An image the Dockerfile names, once it has been loaded; null before.</summary>
    private StoredImage? LoadedImage(Reference reference, Platform platform)
    {
        lock (_images)
        {
            return _images.TryGetValue((reference.ToString(), platform.ToString()), out var image)
                && image is { IsValueCreated: true, Value.IsCompletedSuccessfully: true }
                ? image.Value.Result
                : null;
        }
    }

    /// <summary>For the planner: the environment a base image gives its stage, so <c>$PATH</c> and friends expand as they will run.</summary>
    private IReadOnlyDictionary<string, string>? EnvironmentOf(Reference reference, Platform platform)
    {
        if (LoadedImage(reference, platform) is not { } image)
        {
            return null;
        }

        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in image.Config.Config?.Env ?? [])
        {
            var equals = entry.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                environment[entry[..equals]] = entry[(equals + 1)..];
            }
        }

        return environment;
    }

    /// <summary>For the planner: a base image's ONBUILD triggers, which run first in a stage built on it.</summary>
    private IReadOnlyList<string>? TriggersOf(Reference reference, Platform platform) =>
        LoadedImage(reference, platform)?.Config.Config?.OnBuild;

    /// <summary>"Dockerfile:12" — where a failed step is, as BuildKit names it.</summary>
    private string Location(Instruction instruction) => $"{_dockerfileName}:{instruction.Line}";
}
