using System.Formats.Tar;

namespace Hyper.Oci.Layout;

/// <summary>
/// The tar that <c>docker save</c> writes and <c>docker load</c> reads: <c>manifest.json</c> listing
/// each image's config and layer files, a <c>repositories</c> file, the config as
/// <c>&lt;hex&gt;.json</c> and every layer as an uncompressed tar. Images are read into and written
/// from an <see cref="OciLayout"/>, streaming: a layer is never held in memory.
/// </summary>
public static class DockerArchive
{
    public const string ManifestFileName = "manifest.json";
    public const string RepositoriesFileName = "repositories";

    private const string What = "the docker archive";

    /// <summary>Symbolic links followed in a row before a chain is taken for a loop.</summary>
    private const int MaxLinkHops = 32;

    /// <summary>The images <c>manifest.json</c> lists in the archive file <paramref name="archivePath"/>.</summary>
    public static async Task<IReadOnlyList<DockerArchiveImage>> ReadImagesAsync(string archivePath, CancellationToken cancellationToken = default)
    {
        var archive = OpenArchive(archivePath);
        await using (archive.ConfigureAwait(false))
        {
            var contents = await ScanAsync(archive, cancellationToken).ConfigureAwait(false);
            return contents.Images;
        }
    }

    /// <summary>Reads one image of the archive file <paramref name="archivePath"/> into <paramref name="destination"/>; see <see cref="ReadIntoAsync(Stream, OciLayout, string?, string?, CancellationToken)"/>.</summary>
    public static async Task<Manifest> ReadIntoAsync(
        string archivePath,
        OciLayout destination,
        string? repoTag = null,
        string? tag = null,
        CancellationToken cancellationToken = default)
    {
        var archive = OpenArchive(archivePath);
        await using (archive.ConfigureAwait(false))
        {
            return await ReadIntoAsync(archive, destination, repoTag, tag, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads the image tagged <paramref name="repoTag"/> (or the only image, when null) from a docker
    /// archive and stores it in <paramref name="destination"/> as OCI content: its config bytes as
    /// they are (so the config digest, docker's image ID, is kept), its layers as they are (usually
    /// uncompressed tar), and a new OCI image manifest, listed in the index with the layout tag
    /// <paramref name="tag"/> (untagged when null). Every layer's diff ID is computed and must equal
    /// the one the config lists. The archive is read twice, so <paramref name="archive"/> must be seekable.
    /// </summary>
    public static async Task<Manifest> ReadIntoAsync(
        Stream archive,
        OciLayout destination,
        string? repoTag = null,
        string? tag = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        ArgumentNullException.ThrowIfNull(destination);
        if (!archive.CanSeek)
        {
            throw new ArgumentException("a docker archive is read in two passes, so the stream must be seekable; save it to a file first", nameof(archive));
        }

        var start = archive.Position;
        var contents = await ScanAsync(archive, cancellationToken).ConfigureAwait(false);
        var image = SelectImage(contents.Images, repoTag);
        var configName = contents.ResolveFile(image.Config);
        var layerNames = image.Layers.Select(contents.ResolveFile).ToList();

        // Second pass: the files wanted may come in any order, and each is streamed once.
        archive.Position = start;
        byte[]? configBytes = null;
        var layerBlobs = new Dictionary<string, Descriptor>(StringComparer.Ordinal);
        var wantedLayers = layerNames.ToHashSet(StringComparer.Ordinal);
        var reader = new TarReader(archive, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            TarEntry? entry;
            while ((entry = await ReadNextAsync(reader, cancellationToken).ConfigureAwait(false)) is not null)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                {
                    continue;
                }

                var name = ArchivePath.Normalize(entry.Name, What);
                if (name == configName)
                {
                    configBytes = await ReadSmallEntryAsync(entry, name, cancellationToken).ConfigureAwait(false);
                }

                if (wantedLayers.Contains(name) && !layerBlobs.ContainsKey(name))
                {
                    // The media type is settled once the blob's first bytes show its compression.
                    layerBlobs[name] = await destination.WriteBlobAsync(entry.DataStream ?? Stream.Null, MediaTypes.OciLayer, cancellationToken: cancellationToken)
                        .ConfigureAwait(false);
                }
            }
        }

        if (configBytes is null)
        {
            throw new InvalidOciDocumentException($"{What} names '{image.Config}' as the config, but its data could not be found in a second read: was the file changed meanwhile?");
        }

        var config = ImageConfig.Parse(configBytes);
        var configDescriptor = Descriptor.For(configBytes, MediaTypes.OciConfig);
        CheckNamedDigest(configName, configDescriptor.Digest, "config");
        if (config.RootFs.DiffIds.Count != layerNames.Count)
        {
            throw new InvalidOciDocumentException(
                $"{What} lists {layerNames.Count} layers for '{image.Config}', but that config has {config.RootFs.DiffIds.Count} diff IDs: the archive is inconsistent");
        }

        var layers = new List<Descriptor>(layerNames.Count);
        for (var i = 0; i < layerNames.Count; i++)
        {
            var blob = layerBlobs.GetValueOrDefault(layerNames[i])
                ?? throw new InvalidOciDocumentException($"{What} names '{image.Layers[i]}' as a layer, but its data could not be found in a second read: was the file changed meanwhile?");
            var compression = await DetectCompressionAsync(destination, blob.Digest, cancellationToken).ConfigureAwait(false);
            var diffId = compression == LayerCompression.None
                ? blob.Digest
                : await ComputeDiffIdAsync(destination, blob, compression, cancellationToken).ConfigureAwait(false);
            if (diffId != config.RootFs.DiffIds[i])
            {
                throw new InvalidOciDocumentException(
                    $"layer {i} of {What}, '{image.Layers[i]}', has diff ID {diffId}, but the config lists {config.RootFs.DiffIds[i]}: the archive is corrupt");
            }

            layers.Add(blob with { MediaType = MediaTypes.LayerType(compression) });
        }

        await destination.WriteBlobAsync(configBytes, MediaTypes.OciConfig, cancellationToken).ConfigureAwait(false);
        var manifest = Manifest.Create(new ImageManifest { Config = configDescriptor, Layers = layers });
        await destination.AddManifestAsync(manifest, tag, platform: null, cancellationToken).ConfigureAwait(false);
        return manifest;
    }

    /// <summary>Writes the image <paramref name="manifest"/> from <paramref name="source"/> to the file <paramref name="archivePath"/>, which appears only once complete.</summary>
    public static async Task WriteAsync(
        OciLayout source,
        Manifest manifest,
        IReadOnlyList<string> repoTags,
        string archivePath,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(archivePath);
        await AtomicFile.WriteAsync(archivePath, stream => WriteAsync(source, manifest, repoTags, stream, cancellationToken), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the image <paramref name="manifest"/> (config and layers read from <paramref name="source"/>)
    /// as a docker archive that <c>docker load</c> accepts: <c>&lt;config hex&gt;.json</c>, each layer
    /// uncompressed as <c>&lt;diff ID hex&gt;/layer.tar</c> (gzip and zstd layers are decompressed on the
    /// way), <c>manifest.json</c> and <c>repositories</c>. Each written layer must hash to the diff ID
    /// the config lists. <paramref name="repoTags"/> are <c>repository:tag</c>, e.g. <c>example.com/app:1.0</c>,
    /// and may be empty. The bytes depend only on the image and the tags.
    /// </summary>
    public static async Task WriteAsync(
        OciLayout source,
        Manifest manifest,
        IReadOnlyList<string> repoTags,
        Stream destination,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(repoTags);
        ArgumentNullException.ThrowIfNull(destination);
        var image = manifest.Image ?? throw new ArgumentException(
            $"manifest {manifest.Digest} is a {manifest.MediaType}, not an image manifest: a docker archive holds single-platform images, so pick the platform's manifest first",
            nameof(manifest));
        var repositories = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var repoTag in repoTags)
        {
            var (repository, tagName) = SplitRepoTag(repoTag);
            if (!repositories.TryGetValue(repository, out var tags))
            {
                repositories[repository] = tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
            }

            tags[tagName] = image.Config.Digest.Encoded;
        }

        var configBytes = await source.ReadBlobAsync(image.Config, cancellationToken).ConfigureAwait(false);
        var config = ImageConfig.Parse(configBytes);
        if (config.RootFs.DiffIds.Count != image.Layers.Count)
        {
            throw new InvalidOciDocumentException(
                $"manifest {manifest.Digest} has {image.Layers.Count} layers, but its config lists {config.RootFs.DiffIds.Count} diff IDs: the image is inconsistent");
        }

        var configName = $"{image.Config.Digest.Encoded}.json";
        var layerNames = new List<string>(image.Layers.Count);
        var tar = new ReproducibleTarWriter(destination);
        await using (tar.ConfigureAwait(false))
        {
            await tar.WriteFileAsync(configName, configBytes, cancellationToken).ConfigureAwait(false);
            var written = new HashSet<Digest>();
            for (var i = 0; i < image.Layers.Count; i++)
            {
                var diffId = config.RootFs.DiffIds[i];
                var directory = diffId.Encoded;
                layerNames.Add($"{directory}/layer.tar");
                if (written.Add(diffId))
                {
                    await tar.WriteDirectoryAsync(directory, cancellationToken).ConfigureAwait(false);
                    await WriteLayerAsync(tar, source, image.Layers[i], i, diffId, $"{directory}/layer.tar", cancellationToken).ConfigureAwait(false);
                }
            }

            var entry = new DockerArchiveImage { Config = configName, RepoTags = repoTags, Layers = layerNames };
            await tar.WriteFileAsync(ManifestFileName, OciJson.Serialize<IReadOnlyList<DockerArchiveImage>>([entry]), cancellationToken).ConfigureAwait(false);
            await tar.WriteFileAsync(RepositoriesFileName, OciJson.Serialize(repositories), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteLayerAsync(
        ReproducibleTarWriter tar, OciLayout source, Descriptor layer, int index, Digest diffId, string name, CancellationToken cancellationToken)
    {
        var compression = MediaTypes.LayerCompressionOf(layer.MediaType) ?? throw new InvalidOciDocumentException(
            $"layer {index} ({layer.Digest}) has media type '{layer.MediaType}', which is not a filesystem layer: docker cannot load it");
        if (compression == LayerCompression.None)
        {
            if (layer.Digest != diffId)
            {
                throw new InvalidOciDocumentException(
                    $"layer {index} is an uncompressed tar with digest {layer.Digest}, but the config lists its diff ID as {diffId}: the image is inconsistent");
            }

            var blob = (VerifyingReadStream)source.OpenBlob(layer);
            await using (blob.ConfigureAwait(false))
            {
                await tar.WriteFileAsync(name, blob, cancellationToken).ConfigureAwait(false);
                await blob.VerifyToEndAsync(cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // A tar header needs the entry's size before its data, and the uncompressed size of a layer
        // is known only at the end: decompress into a temporary file first, hashing on the way.
        var temporary = Path.Combine(Path.GetTempPath(), $"hyper-layer-{Guid.NewGuid():N}.tar");
        try
        {
            var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16,
                FileOptions.Asynchronous | FileOptions.DeleteOnClose);
            await using (file.ConfigureAwait(false))
            {
                var blob = (VerifyingReadStream)source.OpenBlob(layer);
                await using (blob.ConfigureAwait(false))
                {
                    var uncompressed = LayerDecompression.Open(blob, compression);
                    await using (uncompressed.ConfigureAwait(false))
                    {
                        try
                        {
                            await Digest.CopyAndVerifyAsync(uncompressed, file, diffId, cancellationToken: cancellationToken).ConfigureAwait(false);
                        }
                        catch (DigestMismatchException e) when (e.Expected == diffId && e.Actual is { } actual)
                        {
                            throw new InvalidOciDocumentException(
                                $"layer {index} ({layer.Digest}) decompresses to a tar with digest {actual}, but the config lists its diff ID as {diffId}: the image is inconsistent");
                        }

                        // The decompressor may stop at the end of its data without reading the blob to its end.
                        await blob.VerifyToEndAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                file.Position = 0;
                await tar.WriteFileAsync(name, file, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>What the first pass learns: the images, and every entry's type and link target.</summary>
    private sealed class ArchiveContents(IReadOnlyList<DockerArchiveImage> images, Dictionary<string, (TarEntryType Type, string? LinkTarget)> entries)
    {
        public IReadOnlyList<DockerArchiveImage> Images { get; } = images;

        /// <summary>The regular file a path in manifest.json finally names, following links inside the archive.</summary>
        public string ResolveFile(string path)
        {
            var name = ArchivePath.Normalize(path, What);
            for (var hop = 0; hop < MaxLinkHops; hop++)
            {
                if (!entries.TryGetValue(name, out var entry))
                {
                    throw new InvalidOciDocumentException($"{What} lists '{path}' in {ManifestFileName}, but has no such file: the archive is incomplete");
                }

                switch (entry.Type)
                {
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        return name;
                    case TarEntryType.SymbolicLink:
                        name = ArchivePath.ResolveLink(name, entry.LinkTarget ?? string.Empty, isSymbolic: true, What);
                        break;
                    case TarEntryType.HardLink:
                        name = ArchivePath.ResolveLink(name, entry.LinkTarget ?? string.Empty, isSymbolic: false, What);
                        break;
                    default:
                        throw new InvalidOciDocumentException($"{What} lists '{path}' in {ManifestFileName}, but it is a {entry.Type}, not a file");
                }
            }

            throw new InvalidOciDocumentException($"{What} lists '{path}' in {ManifestFileName}, but it is a chain of more than {MaxLinkHops} links: a loop?");
        }
    }

    private static async Task<ArchiveContents> ScanAsync(Stream archive, CancellationToken cancellationToken)
    {
        var entries = new Dictionary<string, (TarEntryType Type, string? LinkTarget)>(StringComparer.Ordinal);
        byte[]? manifestJson = null;
        var reader = new TarReader(archive, leaveOpen: true);
        await using (reader.ConfigureAwait(false))
        {
            TarEntry? entry;
            while ((entry = await ReadNextAsync(reader, cancellationToken).ConfigureAwait(false)) is not null)
            {
                if (entry.EntryType == TarEntryType.GlobalExtendedAttributes)
                {
                    continue;
                }

                var name = ArchivePath.Normalize(entry.Name, What);
                if (name.Length == 0 || entry.EntryType == TarEntryType.Directory)
                {
                    continue;
                }

                if (!entries.TryAdd(name, (entry.EntryType, entry.LinkName)))
                {
                    throw new InvalidOciDocumentException($"{What} has '{name}' twice: refusing to guess which one is meant");
                }

                if (name == ManifestFileName && entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                {
                    manifestJson = await ReadSmallEntryAsync(entry, name, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        if (manifestJson is null)
        {
            throw new InvalidOciDocumentException($"{What} has no {ManifestFileName}: it is not a 'docker save' archive (or comes from a docker older than 1.10)");
        }

        var images = OciJson.Deserialize<List<DockerArchiveImage>>(manifestJson, $"the {ManifestFileName} of {What}");
        if (images.Any(image => image is null || image.Config is null || image.Layers is null))
        {
            throw new InvalidOciDocumentException($"the {ManifestFileName} of {What} has an entry without Config or Layers");
        }

        return new ArchiveContents(images, entries);
    }

    private static DockerArchiveImage SelectImage(IReadOnlyList<DockerArchiveImage> images, string? repoTag)
    {
        string Present() =>
            images.SelectMany(image => image.RepoTags ?? []).ToList() is { Count: > 0 } tags
                ? $"RepoTags present: {string.Join(", ", tags)}"
                : "no image in it has a RepoTag";

        if (repoTag is null)
        {
            return images.Count switch
            {
                0 => throw new InvalidOciDocumentException($"{What} lists no images in its {ManifestFileName}"),
                1 => images[0],
                _ => throw new InvalidOperationException($"{What} holds {images.Count} images, so one must be chosen by RepoTag; {Present()}"),
            };
        }

        var matches = images.Where(image => image.RepoTags?.Contains(repoTag, StringComparer.Ordinal) == true).ToList();
        return matches.Count switch
        {
            0 => throw new KeyNotFoundException($"no image in {What} has the RepoTag '{repoTag}'; {Present()}"),
            1 => matches[0],
            _ => throw new InvalidOperationException($"{matches.Count} images in {What} have the RepoTag '{repoTag}': the archive is ambiguous"),
        };
    }

    /// <summary>
    /// Checks a config file named after its digest (<c>&lt;hex&gt;.json</c>, <c>blobs/sha256/&lt;hex&gt;</c>)
    /// against the bytes; other names say nothing and are not checked.
    /// </summary>
    private static void CheckNamedDigest(string name, Digest actual, string what)
    {
        var fileName = name[(name.LastIndexOf('/') + 1)..];
        var encoded = fileName.EndsWith(".json", StringComparison.Ordinal) ? fileName[..^".json".Length] : fileName;
        var algorithm = name.StartsWith($"{OciLayout.BlobsDirectoryName}/sha512/", StringComparison.Ordinal) ? Digest.Sha512 : Digest.Sha256;
        if (Digest.TryParse($"{algorithm}:{encoded}", out var named) && named.Algorithm == actual.Algorithm && named != actual)
        {
            throw new DigestMismatchException(named, actual, $"the {what} '{name}' in {What} hashes to {actual}, not the digest its name says: the archive is corrupt");
        }
    }

    private static async Task<LayerCompression> DetectCompressionAsync(OciLayout layout, Digest digest, CancellationToken cancellationToken)
    {
        var magic = new byte[LayerDecompression.MagicLength];
        var file = new FileStream(layout.GetBlobPath(digest), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var read = await file.ReadAtLeastAsync(magic, magic.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return LayerDecompression.Detect(magic.AsSpan(0, read));
        }
    }

    private static async Task<Digest> ComputeDiffIdAsync(OciLayout layout, Descriptor blob, LayerCompression compression, CancellationToken cancellationToken)
    {
        var uncompressed = LayerDecompression.Open(layout.OpenBlob(blob), compression);
        await using (uncompressed.ConfigureAwait(false))
        {
            return await Digest.ComputeAsync(uncompressed, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static (string Repository, string Tag) SplitRepoTag(string repoTag)
    {
        ArgumentNullException.ThrowIfNull(repoTag);
        var colon = repoTag.LastIndexOf(':');
        if (colon <= 0 || colon == repoTag.Length - 1 || colon < repoTag.LastIndexOf('/') || repoTag.Contains('@', StringComparison.Ordinal)
            || repoTag.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                $"invalid RepoTag '{repoTag}': docker archives name images as repository:tag, e.g. 'example.com/app:1.0' (no digest)",
                nameof(repoTag));
        }

        return (repoTag[..colon], repoTag[(colon + 1)..]);
    }

    private static async Task<byte[]> ReadSmallEntryAsync(TarEntry entry, string name, CancellationToken cancellationToken)
    {
        if (entry.Length > OciLayout.MaxDocumentSize)
        {
            throw new InvalidOciDocumentException($"'{name}' in {What} is {entry.Length} bytes, over the {OciLayout.MaxDocumentSize} bytes such a file may have");
        }

        var content = new byte[entry.Length];
        if (entry.DataStream is { } data)
        {
            await data.ReadExactlyAsync(content, cancellationToken).ConfigureAwait(false);
        }

        return content;
    }

    private static async Task<TarEntry?> ReadNextAsync(TarReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException)
        {
            throw new InvalidOciDocumentException($"{What} is not a valid tar file: {e.Message}", e);
        }
    }

    private static FileStream OpenArchive(string archivePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(archivePath);
        return new FileStream(archivePath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, useAsync: true);
    }
}
