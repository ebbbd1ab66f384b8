using Hyper.Build.Cache;
using Hyper.Oci;

namespace Hyper.Build.Engine;

internal sealed partial class BuildSession
{
    /// <summary>Writes the target stage's config and manifest into the image store and names it with every tag.</summary>
    private async Task<BuildResult> ExportAsync(StageState state, CancellationToken cancellationToken) =>
        await InVertexAsync("exporting to image", async _ =>
        {
            var docker = request.Format == ManifestFormat.Docker;
            var history = WithTimes(state.History);
            var config = new ImageConfig
            {
                // The newest history entry's time: a rebuild taken wholly from the cache gives the same config.
                Created = _epoch ?? history.Select(static h => h.Created).Max() ?? _created,
                Author = state.Author,
                Architecture = state.Platform.Architecture,
                OS = state.Platform.OS,
                Variant = state.Platform.Variant,
                Config = state.Config,
                RootFs = new RootFs { DiffIds = state.DiffIds },
                History = history,
            };
            var layout = builder.Images.Layout;
            var configDescriptor = await layout.WriteBlobAsync(config.ToJson(), docker ? MediaTypes.DockerConfig : MediaTypes.OciConfig, cancellationToken)
                .ConfigureAwait(false);

            // A base image's layers keep their bytes; only the media type follows the format of the result, as BuildKit does.
            var layers = state.Layers.Select(l => l with { MediaType = LayerMediaType(l.MediaType, docker) }).ToList();
            var manifest = Manifest.Create(new ImageManifest
            {
                MediaType = docker ? MediaTypes.DockerManifest : MediaTypes.OciManifest,
                Config = configDescriptor,
                Layers = layers,
                Annotations = request.InlineCache ? CacheManifest.InlineAnnotations(state.Records) : null,
            });
            await builder.Images.AddAsync(manifest, request.Tags, state.Platform, cancellationToken).ConfigureAwait(false);
            return new BuildResult(manifest, config, request.Tags)
            {
                ImageCacheRecords = state.Records,
                AllCacheRecords = [.. _stages.Values.Select(static s => s.Task).Where(static t => t.IsCompletedSuccessfully).SelectMany(static t => t.Result.Records).DistinctBy(static r => r.Key)],
            };
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// The history with a time on every entry: an entry without one (config-only instructions at the start of a
    /// stage FROM scratch) takes the time of the next entry that has one, else the build's time.
    /// </summary>
    private List<HistoryEntry> WithTimes(IReadOnlyList<HistoryEntry> history)
    {
        var result = new List<HistoryEntry>(history);
        var next = (DateTimeOffset?)null;
        for (var i = result.Count - 1; i >= 0; i--)
        {
            next = result[i].Created ?? next;
            result[i] = result[i] with { Created = result[i].Created ?? next ?? _created };
        }

        return result;
    }

    private string LayerMediaType(string mediaType, bool docker)
    {
        var compression = MediaTypes.LayerCompressionOf(mediaType)
            ?? throw new BuildFailedException($"a base image layer has media type {mediaType}, which is not an image layer");
        if (docker && compression == LayerCompression.Zstd)
        {
            throw new BuildFailedException(ZstdInDockerFormat);
        }

        return MediaTypes.LayerType(compression, docker);
    }
}
