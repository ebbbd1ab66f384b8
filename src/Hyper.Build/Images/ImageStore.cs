using Hyper.Oci;
using Hyper.Oci.Layout;

namespace Hyper.Build.Images;

/// <summary>
/// The images hyperbuild keeps on this machine: one OCI layout holding every blob (pulled base images,
/// built layers, configs, manifests), each image listed in <c>index.json</c> under its full reference
/// (<c>127.0.0.1:5000/app:1.0</c>) as <c>org.opencontainers.image.ref.name</c>, so
/// <c>skopeo copy oci:DIR:127.0.0.1:5000/app:1.0 …</c> reads it as it is.
/// </summary>
public sealed class ImageStore
{
    private ImageStore(OciLayout layout)
    {
        Layout = layout;
    }

    /// <summary>The layout behind the store; blobs are read and written through it.</summary>
    public OciLayout Layout { get; }

    /// <summary>Opens the store in <paramref name="directory"/>, creating it when missing.</summary>
    public static async Task<ImageStore> OpenAsync(string directory, CancellationToken cancellationToken = default) =>
        new(await OciLayout.CreateAsync(directory, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Lists <paramref name="manifest"/> (whose blobs must be in <see cref="Layout"/>) under every name in
    /// <paramref name="names"/>; a name that named another image moves, and that image, if the name was its
    /// last, stays listed untagged (as docker shows it as <c>&lt;none&gt;</c>). Without names it is kept untagged.
    /// </summary>
    public async Task AddAsync(Manifest manifest, IReadOnlyCollection<Reference> names, Platform? platform, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(names);
        if (names.Count == 0)
        {
            await Layout.AddManifestAsync(manifest, tag: null, platform, cancellationToken).ConfigureAwait(false);
            return;
        }

        foreach (var name in names)
        {
            var tag = NameOf(name);
            var before = await Layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            var previous = before.Manifests.FirstOrDefault(d => d.RefName == tag && d.Digest != manifest.Digest);
            await Layout.AddManifestAsync(manifest, tag, platform, cancellationToken).ConfigureAwait(false);
            if (previous is null)
            {
                continue;
            }

            // Without an entry the image the name left would vanish from ListAsync and FindAsync while its
            // blobs stayed: nothing could name it to remove it. Untagged, `rmi ID` still can.
            var after = await Layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
            if (!after.Manifests.Any(d => d.Digest == previous.Digest))
            {
                var displaced = await Layout.ReadManifestAsync(previous, cancellationToken).ConfigureAwait(false);
                await Layout.AddManifestAsync(displaced, tag: null, previous.Platform, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every image in the store, one entry per name (untagged images once), in index order.</summary>
    public async Task<IReadOnlyList<StoredImage>> ListAsync(CancellationToken cancellationToken = default)
    {
        var index = await Layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        var images = new List<StoredImage>(index.Manifests.Count);
        foreach (var entry in index.Manifests.Where(static d => MediaTypes.IsImageManifest(d.MediaType)))
        {
            images.Add(await ReadAsync(entry, cancellationToken).ConfigureAwait(false));
        }

        return images;
    }

    /// <summary>
    /// Finds an image by reference (<c>app</c> means <c>docker.io/library/app:latest</c>, as docker reads it),
    /// by manifest digest, or by image ID (config digest) or a prefix of at least 4 hex digits of one of them.
    /// </summary>
    public async Task<StoredImage?> FindAsync(string nameOrId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);

        // By name: only that entry's manifest and config are read, not those of every image in the store.
        var index = await Layout.ReadIndexAsync(cancellationToken).ConfigureAwait(false);
        if (Reference.TryParse(nameOrId, out var reference)
            && index.Manifests.FirstOrDefault(d => d.RefName == NameOf(reference) && MediaTypes.IsImageManifest(d.MediaType)) is { } entry)
        {
            return await ReadAsync(entry, cancellationToken).ConfigureAwait(false);
        }

        var images = await ListAsync(cancellationToken).ConfigureAwait(false);

        var hex = nameOrId.StartsWith("sha256:", StringComparison.Ordinal) ? nameOrId["sha256:".Length..] : nameOrId;
        if (hex.Length < 4 || !hex.All(Uri.IsHexDigit))
        {
            return null;
        }

        var matches = images
            .Where(i => i.Id.Encoded.StartsWith(hex, StringComparison.Ordinal) || i.Descriptor.Digest.Encoded.StartsWith(hex, StringComparison.Ordinal))
            .DistinctBy(static i => i.Descriptor.Digest)
            .ToList();
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new InvalidOperationException($"'{nameOrId}' matches {matches.Count} images; give more digits"),
        };
    }

    /// <summary>
    /// Removes an image: a name untags only that name; an ID or digest removes every name of the image.
    /// Blobs no remaining image needs are deleted. Returns the names removed (the ID for an untagged image),
    /// or an empty list when there was no such image.
    /// </summary>
    /// <param name="nameOrId">A name, an image ID or a manifest digest.</param>
    /// <param name="keep">Blobs to keep even when no image needs them: the build cache's layers.</param>
    /// <param name="cancellationToken">Stops the removal.</param>
    public async Task<IReadOnlyList<string>> RemoveAsync(string nameOrId, IReadOnlySet<Digest>? keep = null, CancellationToken cancellationToken = default)
    {
        var image = await FindAsync(nameOrId, cancellationToken).ConfigureAwait(false);
        if (image is null)
        {
            return [];
        }

        List<string> removed;
        if (image.Name is { } name && Reference.TryParse(nameOrId, out var asked) && asked == name)
        {
            await Layout.RemoveTagAsync(NameOf(name), cancellationToken).ConfigureAwait(false);
            removed = [name.ToString()];
        }
        else
        {
            var all = await ListAsync(cancellationToken).ConfigureAwait(false);
            removed = all.Where(i => i.Descriptor.Digest == image.Descriptor.Digest)
                .Select(i => i.Name?.ToString() ?? i.Id.ToString())
                .ToList();
            await Layout.RemoveManifestAsync(image.Descriptor.Digest, cancellationToken).ConfigureAwait(false);
        }

        await Layout.DeleteUnreferencedBlobsAsync(keep, cancellationToken).ConfigureAwait(false);
        return removed;
    }

    /// <summary>The manifest and config of <paramref name="image"/>, read from the store.</summary>
    public async Task<ImageConfig> ReadConfigAsync(Manifest image, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(image);
        var config = image.Image?.Config ?? throw new InvalidOciDocumentException($"{image.Digest} is not an image manifest");
        return ImageConfig.Parse(await Layout.ReadBlobAsync(config, cancellationToken).ConfigureAwait(false));
    }

    private static string NameOf(Reference reference) => reference.ToString();

    private async Task<StoredImage> ReadAsync(Descriptor entry, CancellationToken cancellationToken)
    {
        var manifest = await Layout.ReadManifestAsync(entry, cancellationToken).ConfigureAwait(false);
        var config = await ReadConfigAsync(manifest, cancellationToken).ConfigureAwait(false);
        var name = entry.RefName is { } refName && Reference.TryParse(refName, out var parsed) ? parsed : null;
        return new StoredImage(name, entry, manifest, config);
    }
}
