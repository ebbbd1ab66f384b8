using System.Diagnostics;
using System.Globalization;

using Hyper.Build.Dockerfile;
using Hyper.Build.Dockerfile.Instructions;
using Hyper.Build.Images;
using Hyper.Build.Solver;
using Hyper.Oci;

namespace Hyper.Build.Engine;

/// <summary>
/// One run of <see cref="Builder.BuildAsync"/>: plans the Dockerfile twice (once to learn which base
/// images it needs, once more with their environment known), then builds the stages the target needs in
/// order and stores the target's image.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed partial class BuildSession(Builder builder, BuildRequest request, IBuildProgress progress)
{
    private const string SourceDateEpoch = "SOURCE_DATE_EPOCH";

    private const string ZstdInDockerFormat = "zstd layers cannot be written in the Docker format; use --format oci or --compression gzip";

    private readonly Dictionary<int, StageState> _stages = [];
    private readonly Dictionary<(string Name, string Platform), StoredImage> _images = [];
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
        foreach (var stage in plan.RequiredStages)
        {
            _stages[stage.Index] = await BuildStageAsync(stage, cancellationToken).ConfigureAwait(false);
        }

        return await ExportAsync(_stages[plan.Target.Index], cancellationToken).ConfigureAwait(false);
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
    private async Task<StoredImage> GetImageAsync(Reference reference, Platform platform, CancellationToken cancellationToken)
    {
        var key = (reference.ToString(), platform.ToString());
        if (_images.TryGetValue(key, out var known))
        {
            return known;
        }

        var image = await InVertexAsync(
            $"[internal] load metadata for {reference}",
            _ => builder.ImageSource.GetAsync(reference, platform, request.Pull, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        _images[key] = image;
        return image;
    }

    /// <summary>For the planner: the environment a base image gives its stage, so <c>$PATH</c> and friends expand as they will run.</summary>
    private IReadOnlyDictionary<string, string>? EnvironmentOf(Reference reference, Platform platform)
    {
        if (!_images.TryGetValue((reference.ToString(), platform.ToString()), out var image))
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
        _images.TryGetValue((reference.ToString(), platform.ToString()), out var image) ? image.Config.Config?.OnBuild : null;

    /// <summary>"Dockerfile:12" — where a failed step is, as BuildKit names it.</summary>
    private string Location(Instruction instruction) => $"{_dockerfileName}:{instruction.Line}";
}
