using System.Net;

using Hyper.Oci;
using Hyper.Registry.Configuration;
using Hyper.Registry.Metadata;
using Hyper.Registry.Storage;

namespace Hyper.Registry.Core;

/// <summary>
/// Manifests and tags of repositories (distribution-spec "Pushing manifests", "Pulling manifests",
/// "Deleting manifests"). A manifest's bytes are stored as a blob under its digest, exactly as pushed.
/// </summary>
public sealed class RepositoryManifests(IBlobStore blobs, IMetadataStore metadata, RegistryOptions options)
{
    /// <summary>
    /// Validates and stores a manifest pushed to <paramref name="reference"/> (a tag, or the digest it
    /// must have), tagging it with the tag and with <paramref name="extraTags"/> (<c>?tag=</c>).
    /// </summary>
    public async Task<PushedManifest> PutAsync(
        string repository, string reference, Stream body, string? contentType, IReadOnlyList<string> extraTags, CancellationToken cancellationToken)
    {
        var bytes = await ReadLimitedAsync(body, options.Validation.Manifests.MaxSize, cancellationToken).ConfigureAwait(false);
        Manifest manifest;
        try
        {
            manifest = Manifest.Parse(bytes, contentType);
        }
        catch (InvalidOciDocumentException e)
        {
            throw new RegistryException(RegistryErrorCode.ManifestInvalid, e.Message);
        }

        var tags = new List<string>(extraTags.Count + 1);
        Digest digest;
        if (Digest.TryParse(reference.AsSpan(), out var requested, out _))
        {
            digest = manifest.ComputeDigest(requested.Algorithm);
            if (digest != requested)
            {
                throw new RegistryException(RegistryErrorCode.DigestInvalid, $"manifest has digest {digest}, not {requested} as its URL says", ErrorDetail.Of("digest", requested.ToString()));
            }
        }
        else
        {
            RegistryNames.EnsureValidTag(reference);
            digest = manifest.Digest;
            tags.Add(reference);
        }

        foreach (var tag in extraTags)
        {
            RegistryNames.EnsureValidTag(tag);
            if (!tags.Contains(tag))
            {
                tags.Add(tag);
            }
        }

        await EnsureReferencesExistAsync(repository, manifest, cancellationToken).ConfigureAwait(false);

        using (var content = new MemoryStream(bytes, writable: false))
        {
            await blobs.PutAsync(digest, content, cancellationToken).ConfigureAwait(false);
        }

        var record = new ManifestRecord(
            digest,
            manifest.MediaType,
            bytes.Length,
            manifest.Subject?.Digest,
            manifest.ArtifactType,
            manifest.Annotations,
            [.. manifest.Blobs.Select(d => d.Digest), .. manifest.Children.Select(d => d.Digest)]);
        await metadata.PutManifestAsync(repository, record, tags, cancellationToken).ConfigureAwait(false);
        return new PushedManifest(record, tags);
    }

    /// <summary>Finds a manifest by tag or digest; MANIFEST_UNKNOWN when there is none.</summary>
    public async Task<(ManifestRecord Record, StoredBlob Content)> GetAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        var digest = await ResolveAsync(repository, reference, cancellationToken).ConfigureAwait(false);
        var record = await metadata.GetManifestAsync(repository, digest, cancellationToken).ConfigureAwait(false)
            ?? throw ManifestUnknown(repository, reference);
        var content = await blobs.OpenAsync(digest, cancellationToken).ConfigureAwait(false)
            ?? throw ManifestUnknown(repository, reference);
        return (record, content);
    }

    /// <summary>Deletes a manifest (by digest, with its tags) or just a tag (by tag).</summary>
    public async Task DeleteAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        DeletePolicy.EnsureEnabled(options);
        var deleted = Digest.TryParse(reference.AsSpan(), out var digest, out _)
            ? await metadata.DeleteManifestAsync(repository, digest, cancellationToken).ConfigureAwait(false)
            : await metadata.DeleteTagAsync(repository, RegistryNames.EnsureValidTag(reference), cancellationToken).ConfigureAwait(false);
        if (!deleted)
        {
            throw ManifestUnknown(repository, reference);
        }
    }

    private async Task<Digest> ResolveAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        if (reference.Contains(':', StringComparison.Ordinal))
        {
            // Anything with a colon is meant as a digest: a malformed one is simply not found, which is
            // what clients probing with e.g. sha256:totallywrong expect (404 rather than 400).
            return Digest.TryParse(reference.AsSpan(), out var digest, out _) ? digest : throw ManifestUnknown(repository, reference);
        }

        if (!Reference.IsValidTag(reference))
        {
            throw ManifestUnknown(repository, reference);
        }

        return await metadata.ResolveTagAsync(repository, reference, cancellationToken).ConfigureAwait(false)
            ?? throw ManifestUnknown(repository, reference);
    }

    /// <summary>
    /// Every blob and child manifest must already be in the repository; a subject need not be, nor a
    /// non-distributable layer that names its URLs (as in Distribution: the config and every other layer
    /// are checked, URLs or not).
    /// </summary>
    private async Task EnsureReferencesExistAsync(string repository, Manifest manifest, CancellationToken cancellationToken)
    {
        if (manifest.Image is { } image)
        {
            await EnsureBlobExistsAsync(repository, image.Config, cancellationToken).ConfigureAwait(false);
            foreach (var layer in image.Layers)
            {
                if (MediaTypes.IsNonDistributableLayer(layer.MediaType) && layer.Urls is { Count: > 0 } urls)
                {
                    // Foreign layers live elsewhere, at their URLs.
                    EnsureHttpUrls(layer, urls);
                    continue;
                }

                await EnsureBlobExistsAsync(repository, layer, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach (var child in manifest.Children)
        {
            if (await metadata.GetManifestAsync(repository, child.Digest, cancellationToken).ConfigureAwait(false) is null)
            {
                throw new RegistryException(
                    RegistryErrorCode.ManifestBlobUnknown,
                    $"index references manifest {child.Digest}, which is not in repository {repository}: push it first",
                    ErrorDetail.Of("digest", child.Digest.ToString()));
            }
        }
    }

    private async Task EnsureBlobExistsAsync(string repository, Descriptor blob, CancellationToken cancellationToken)
    {
        if (await metadata.GetBlobLinkAsync(repository, blob.Digest, cancellationToken).ConfigureAwait(false) is null)
        {
            throw new RegistryException(
                RegistryErrorCode.ManifestBlobUnknown,
                $"manifest references blob {blob.Digest} ({blob.MediaType}), which is not in repository {repository}: push it first",
                ErrorDetail.Of("digest", blob.Digest.ToString()));
        }
    }

    /// <summary>A foreign layer's URLs are where clients fetch it from: absolute http or https, no fragment (as Distribution requires).</summary>
    private static void EnsureHttpUrls(Descriptor layer, IReadOnlyList<string> urls)
    {
        foreach (var url in urls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || uri.Fragment.Length > 0)
            {
                throw new RegistryException(
                    RegistryErrorCode.ManifestInvalid,
                    $"layer {layer.Digest} ({layer.MediaType}) has URL '{url}': a non-distributable layer's URLs must be absolute http or https URLs without a fragment",
                    ErrorDetail.Of("digest", layer.Digest.ToString()));
            }
        }
    }

    /// <summary>Reads a manifest body, refusing (413 MANIFEST_INVALID) before buffering more than the limit.</summary>
    private static async Task<byte[]> ReadLimitedAsync(Stream body, long limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16384];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new RegistryException(
                    RegistryErrorCode.ManifestInvalid.WithStatus(HttpStatusCode.RequestEntityTooLarge),
                    $"manifest is larger than the {limit} bytes this registry accepts");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static RegistryException ManifestUnknown(string repository, string reference) =>
        new(RegistryErrorCode.ManifestUnknown, $"manifest {reference} is not in repository {repository}", ErrorDetail.Of("reference", reference));
}
